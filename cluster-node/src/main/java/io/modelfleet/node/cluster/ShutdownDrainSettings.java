package io.modelfleet.node.cluster;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a worker drains itself on shutdown, from {@code modelfleet.node}; see reference.conf.
 *
 * @param deadline how long the drain may take before the rest of the shutdown goes on; 0 is off
 * @param pollInterval how often the replica directory is read for replicas still here
 * @param readTimeout how long one read of the local directories may take
 */
public record ShutdownDrainSettings(
    Duration deadline, Duration pollInterval, Duration readTimeout) {

  public static ShutdownDrainSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.node");
    return new ShutdownDrainSettings(
        c.getDuration("shutdown-drain-timeout"),
        c.getDuration("shutdown-drain-poll-interval"),
        c.getDuration("shutdown-drain-read-timeout"));
  }

  public boolean off() {
    return deadline.isZero();
  }
}
