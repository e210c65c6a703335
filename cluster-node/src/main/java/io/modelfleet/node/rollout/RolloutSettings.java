package io.modelfleet.node.rollout;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The rollout controller's settings, from {@code modelfleet.rollouts}; reference.conf says what
 * each means.
 */
record RolloutSettings(
    Duration tick,
    Duration retireDelay,
    int inconclusiveAfter,
    Duration resyncInterval,
    Duration restartMinBackoff,
    Duration restartMaxBackoff) {

  RolloutSettings {
    if (tick.isZero() || tick.isNegative()) {
      throw new IllegalArgumentException("modelfleet.rollouts.tick must be positive, got " + tick);
    }
    if (inconclusiveAfter < 1) {
      throw new IllegalArgumentException(
          "modelfleet.rollouts.inconclusive-after must be at least 1, got " + inconclusiveAfter);
    }
  }

  static RolloutSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.rollouts");
    return new RolloutSettings(
        c.getDuration("tick"),
        c.getDuration("retire-delay"),
        c.getInt("inconclusive-after"),
        c.getDuration("resync-interval"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"));
  }
}
