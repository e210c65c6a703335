package io.modelfleet.node.replica;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Replica timings from {@code modelfleet.replica}; see reference.conf for their meaning. */
public record ReplicaSettings(
    Duration minBackoff,
    Duration maxBackoff,
    double backoffRandomFactor,
    Duration drainTimeout,
    Duration askTimeout,
    Duration retireLinger) {

  /** Without the linger of a retired replica (it drains at once). */
  public ReplicaSettings(
      Duration minBackoff,
      Duration maxBackoff,
      double backoffRandomFactor,
      Duration drainTimeout,
      Duration askTimeout) {
    this(minBackoff, maxBackoff, backoffRandomFactor, drainTimeout, askTimeout, Duration.ZERO);
  }

  public ReplicaSettings {
    if (backoffRandomFactor < 0 || backoffRandomFactor >= 1) {
      throw new IllegalArgumentException(
          "modelfleet.replica.backoff-random-factor must be in [0, 1), got " + backoffRandomFactor);
    }
    if (retireLinger.isNegative()) {
      throw new IllegalArgumentException(
          "modelfleet.replica.retire-linger must not be negative, got " + retireLinger);
    }
  }

  public static ReplicaSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.replica");
    return new ReplicaSettings(
        c.getDuration("min-backoff"),
        c.getDuration("max-backoff"),
        c.getDouble("backoff-random-factor"),
        c.getDuration("drain-timeout"),
        c.getDuration("ask-timeout"),
        c.getDuration("retire-linger"));
  }

  /**
   * Backoff before retry number {@code attempt} (1-based): doubling, capped, with the random
   * factor's jitter.
   */
  public Duration backoff(int attempt) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.min(attempt - 1, 20));
    double capped = Math.min(base, maxBackoff.toMillis());
    double jitter = 1 + backoffRandomFactor * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis((long) Math.max(1, capped * jitter));
  }
}
