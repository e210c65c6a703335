package io.modelfleet.protocol.rollout;

/** Where a rollout stands; the last three are final. */
public enum RolloutState {
  PROGRESSING,
  PAUSED,
  PROMOTED,
  ROLLED_BACK,
  ABORTED;

  /** Still moving traffic (or holding it, paused): the model can have one such rollout. */
  public boolean active() {
    return this == PROGRESSING || this == PAUSED;
  }
}
