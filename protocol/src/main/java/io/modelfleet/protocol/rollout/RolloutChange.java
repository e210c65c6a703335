package io.modelfleet.protocol.rollout;

/**
 * A change to a rollout: {@link #PAUSE}, {@link #RESUME}, {@link #PROMOTE} and {@link #ABORT} are a
 * person's (or, for PAUSE, the controller's when the analysis stays inconclusive); {@link #ADVANCE}
 * (to the next step, or from waiting to the first), {@link #ROLL_BACK} and {@link #RETIRE} (remove
 * the losing version's deployment) are the rollout controller's.
 */
public enum RolloutChange {
  PAUSE,
  RESUME,
  PROMOTE,
  ABORT,
  ADVANCE,
  ROLL_BACK,
  RETIRE;

  /** The step of a person's change: whatever step the rollout is in. */
  public static final int ANY_STEP = Integer.MIN_VALUE;
}
