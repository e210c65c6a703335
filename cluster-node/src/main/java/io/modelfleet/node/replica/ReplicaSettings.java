package io.modelfleet.node.replica;

import com.typesafe.config.Config;
import java.time.Duration;

/** Replica timings from {@code modelfleet.replica}; see reference.conf for their meaning. */
public record ReplicaSettings(Duration minBackoff, Duration maxBackoff, Duration drainTimeout, Duration askTimeout) {

  public static ReplicaSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.replica");
    return new ReplicaSettings(
        c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getDuration("drain-timeout"), c.getDuration("ask-timeout"));
  }

  /** Backoff before retry number {@code attempt} (1-based): doubling, capped, with 20% jitter. */
  public Duration backoff(int attempt) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.min(attempt - 1, 20));
    double capped = Math.min(base, maxBackoff.toMillis());
    double jitter = 1 + 0.2 * (Math.random() * 2 - 1);
    return Duration.ofMillis((long) Math.max(1, capped * jitter));
  }
}
