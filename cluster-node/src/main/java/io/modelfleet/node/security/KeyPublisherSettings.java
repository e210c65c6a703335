package io.modelfleet.node.security;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The key publisher's timings, from {@code modelfleet.security.key-publisher}; reference.conf says
 * what each means and what it trades.
 */
public record KeyPublisherSettings(
    Duration writeTimeout,
    Duration askTimeout,
    Duration retryInterval,
    Duration restartMinBackoff,
    Duration restartMaxBackoff) {

  public KeyPublisherSettings {
    for (Duration d : new Duration[] {writeTimeout, askTimeout, retryInterval, restartMinBackoff}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "modelfleet.security.key-publisher timings must be positive, got " + d);
      }
    }
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException(
          "modelfleet.security.key-publisher.restart-backoff.max must not be below its min");
    }
  }

  public static KeyPublisherSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.security.key-publisher");
    return new KeyPublisherSettings(
        c.getDuration("write-timeout"),
        c.getDuration("ask-timeout"),
        c.getDuration("retry-interval"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"));
  }
}
