package io.modelfleet.ops.alerts;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What every built-in rule has: whether it is evaluated, how long its condition must hold before
 * the alert fires ({@code for}, as in Prometheus), and the severity label it carries.
 */
public record Rule(boolean enabled, Duration forDuration, String severity) {

  public Rule {
    if (forDuration.isNegative()) {
      throw new IllegalArgumentException("an alert rule's 'for' must not be negative");
    }
    if (severity == null || severity.isBlank()) {
      throw new IllegalArgumentException("an alert rule needs a severity");
    }
  }

  /** Reads {@code enabled}, {@code for} (or {@code forKey}) and {@code severity} of {@code c}. */
  public static Rule of(Config c, String forKey) {
    return new Rule(c.getBoolean("enabled"), c.getDuration(forKey), c.getString("severity"));
  }
}
