package io.modelfleet.gateway.management;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * What a rollout request leaves out, from {@code modelfleet.rollouts.defaults} (see this module's
 * reference.conf).
 */
public record RolloutDefaults(
    Duration stepDuration,
    Duration interval,
    long minRequests,
    double maxErrorRatio,
    Duration readyTimeout,
    double p99SlackMs) {

  public static final RolloutDefaults DEFAULTS = fromConfig(ConfigFactory.defaultReference());

  public static RolloutDefaults fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.rollouts.defaults");
    return new RolloutDefaults(
        c.getDuration("step-duration"),
        c.getDuration("interval"),
        c.getLong("min-requests"),
        c.getDouble("max-error-ratio"),
        c.getDuration("ready-timeout"),
        c.getDuration("p99-slack").toNanos() / 1e6);
  }
}
