package io.modelfleet.ops.alerts;

import java.time.Instant;

/**
 * An alert whose condition holds: pending until it has held for the rule's {@code for}, then firing
 * until it stops holding.
 *
 * @param condition the latest reading (its value and reason are what is shown)
 * @param activeAt when the condition started to hold
 * @param firedAt when it started firing; null while pending
 */
public record ActiveAlert(Condition condition, Instant activeAt, Instant firedAt) {

  public boolean firing() {
    return firedAt != null;
  }

  /** Since when it fires, or, while pending, since when its condition holds. */
  public Instant since() {
    return firing() ? firedAt : activeAt;
  }
}
