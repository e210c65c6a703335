package io.modelfleet.protocol.rollout;

import io.modelfleet.protocol.FleetSerializable;
import java.time.Instant;

/**
 * One rollout of a model as its registry records it.
 *
 * @param id the rollout's number within its model ("1", "2", ...)
 * @param baseline the version the alias served when the rollout started
 * @param step the current step (index into the spec's steps), -1 while the candidate is not Ready
 * @param stepStartedAt when the current step (or the wait for Ready) began; also reset by a resume
 * @param finishedAt when the rollout reached a final state (null while active)
 * @param reason why it is where it is (the last decision's reason)
 * @param retired whether the losing version's deployment has been removed (a finished rollout waits
 *     the retire delay first)
 * @param decided the window numbers the last decision was taken on (null: none)
 */
public record Rollout(
    String id,
    RolloutSpec spec,
    String baseline,
    RolloutState state,
    int step,
    Instant startedAt,
    Instant stepStartedAt,
    Instant finishedAt,
    String reason,
    boolean retired,
    RolloutWindow decided)
    implements FleetSerializable {

  /** The version that loses: the baseline once promoted, else the candidate. */
  public String loser() {
    return state == RolloutState.PROMOTED ? baseline : spec.version();
  }

  /** What the rollout is doing, for people: "waiting for ready", "step 2 of 4", "retiring", ... */
  public String phase() {
    if (!state.active()) {
      return retired ? "done" : "retiring";
    }
    if (step < 0) {
      return "waiting for ready";
    }
    return "step " + (step + 1) + " of " + spec.steps().size();
  }

  /** The candidate's share of the alias's requests now. */
  public int percent() {
    return step < 0 || !state.active() ? 0 : spec.steps().get(step).percent();
  }

  public Rollout with(
      RolloutState newState,
      int newStep,
      Instant newStepStartedAt,
      Instant newFinishedAt,
      String newReason,
      boolean newRetired,
      RolloutWindow newDecided) {
    return new Rollout(
        id,
        spec,
        baseline,
        newState,
        newStep,
        startedAt,
        newStepStartedAt,
        newFinishedAt,
        newReason,
        newRetired,
        newDecided);
  }
}
