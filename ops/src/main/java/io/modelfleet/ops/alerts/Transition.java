package io.modelfleet.ops.alerts;

import java.time.Instant;

/**
 * An alert that started firing or was resolved in an evaluation round: what is recorded in history
 * and sent to the webhooks. A pending alert that stops holding makes no transition.
 *
 * @param alert the alert as it was at the transition (for a resolution: its last reading, with the
 *     condition that resolved it)
 * @param at the round's time: firing since, or resolved at
 */
public record Transition(Kind kind, ActiveAlert alert, Instant at) {

  public enum Kind {
    FIRED,
    RESOLVED;

    /** Alertmanager's word: "firing" or "resolved". */
    public String status() {
      return this == FIRED ? "firing" : "resolved";
    }
  }
}
