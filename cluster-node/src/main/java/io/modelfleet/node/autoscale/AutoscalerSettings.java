package io.modelfleet.node.autoscale;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The autoscaler's settings, from {@code modelfleet.autoscaling} (reference.conf says what each
 * means and trades).
 *
 * @param enabled whether the node runs the autoscaler (a cluster singleton on the workers)
 * @param interval how often it reads every node's load probe and decides
 * @param window how much of the recent past the figures cover (a whole number of intervals)
 */
public record AutoscalerSettings(boolean enabled, Duration interval, Duration window) {

  public AutoscalerSettings {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.autoscaling.interval must be positive, got " + interval);
    }
    if (window.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "modelfleet.autoscaling.window ("
              + window
              + ") must be at least one interval ("
              + interval
              + ")");
    }
  }

  public static AutoscalerSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.autoscaling");
    return new AutoscalerSettings(
        c.getBoolean("enabled"), c.getDuration("interval"), c.getDuration("window"));
  }

  /** How many rounds of readings the window holds. */
  int rounds() {
    return (int) Math.max(1, window.toMillis() / interval.toMillis());
  }
}
