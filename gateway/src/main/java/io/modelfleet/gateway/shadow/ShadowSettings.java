package io.modelfleet.gateway.shadow;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code modelfleet.gateway.shadow}: the bounds of shadow traffic on one node (see this module's
 * reference.conf).
 *
 * @param maxInFlight copies in flight at once; beyond, a copy is skipped
 * @param timeout the longest a copy waits for the shadow (and never longer than the original's own
 *     deadline)
 */
public record ShadowSettings(int maxInFlight, Duration timeout) {

  public ShadowSettings {
    if (maxInFlight < 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.shadow.max-in-flight must not be negative, got " + maxInFlight);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.shadow.timeout must be a positive duration, got " + timeout);
    }
  }

  public static ShadowSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway.shadow");
    return new ShadowSettings(c.getInt("max-in-flight"), c.getDuration("timeout"));
  }
}
