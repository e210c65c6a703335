package io.modelfleet.node.placement;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The deployment controller's timings, from {@code modelfleet.controller}; reference.conf says
 * what each means and what it trades.
 */
public record ControllerSettings(
    Duration resyncInterval,
    Duration debounce,
    Duration settleAfterRemoval,
    Duration unknownNodeGrace,
    Duration restartGrace,
    Duration moveTimeout,
    Duration moveCooldown,
    Duration drainWriteTimeout,
    Duration drainAnswerTimeout,
    Duration restartMinBackoff,
    Duration restartMaxBackoff) {

  public ControllerSettings {
    requirePositive("resync-interval", resyncInterval);
    requirePositive("debounce", debounce);
    requirePositive("move-timeout", moveTimeout);
    requirePositive("drain-write-timeout", drainWriteTimeout);
    requirePositive("restart-backoff.min", restartMinBackoff);
    if (drainAnswerTimeout.compareTo(drainWriteTimeout) <= 0) {
      throw new IllegalArgumentException("modelfleet.controller.drain-answer-timeout (" + drainAnswerTimeout
          + ") must be longer than drain-write-timeout (" + drainWriteTimeout + ")");
    }
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException("modelfleet.controller.restart-backoff.max must not be below its min");
    }
  }

  public static ControllerSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.controller");
    return new ControllerSettings(
        c.getDuration("resync-interval"),
        c.getDuration("debounce"),
        c.getDuration("settle-after-removal"),
        c.getDuration("unknown-node-grace"),
        c.getDuration("restart-grace"),
        c.getDuration("move-timeout"),
        c.getDuration("move-cooldown"),
        c.getDuration("drain-write-timeout"),
        c.getDuration("drain-answer-timeout"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"));
  }

  private static void requirePositive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("modelfleet.controller." + key + " must be positive, got " + d);
    }
  }
}
