package io.modelfleet.node.placement;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The deployment controller's timings, from {@code modelfleet.controller}; reference.conf says what
 * each means and what it trades.
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
  /**
   * What a drain's answer needs beyond the majority write: the controller waits one second more for
   * its replicator (see {@code Directories}), and the ask crosses to the controller's node.
   */
  static final Duration DRAIN_ANSWER_MARGIN = Duration.ofMillis(1500);

  public ControllerSettings {
    requirePositive("resync-interval", resyncInterval);
    requirePositive("debounce", debounce);
    requirePositive("move-timeout", moveTimeout);
    requirePositive("drain-write-timeout", drainWriteTimeout);
    requirePositive("restart-backoff.min", restartMinBackoff);
    if (drainAnswerTimeout.compareTo(drainWriteTimeout.plus(DRAIN_ANSWER_MARGIN)) < 0) {
      throw new IllegalArgumentException(
          "modelfleet.controller.drain-answer-timeout ("
              + drainAnswerTimeout
              + ") must be at least drain-write-timeout ("
              + drainWriteTimeout
              + ") plus "
              + DRAIN_ANSWER_MARGIN.toMillis()
              + " ms: the controller's own wait for its replicator, and the trip to its node and back");
    }
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException(
          "modelfleet.controller.restart-backoff.max must not be below its min");
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
      throw new IllegalArgumentException(
          "modelfleet.controller." + key + " must be positive, got " + d);
    }
  }
}
