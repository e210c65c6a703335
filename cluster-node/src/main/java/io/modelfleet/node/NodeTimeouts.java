package io.modelfleet.node;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long a node waits for its own start and stop steps, from {@code modelfleet.node}. These are
 * local steps (binding a port, registering the demo model, terminating the actor system): past them
 * something is wrong, and the node says so instead of hanging.
 */
public record NodeTimeouts(Duration bindTimeout, Duration demoUploadTimeout, Duration stopTimeout) {

  public NodeTimeouts {
    require("bind-timeout", bindTimeout);
    require("demo-upload-timeout", demoUploadTimeout);
    require("stop-timeout", stopTimeout);
  }

  public static NodeTimeouts fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.node");
    return new NodeTimeouts(
        c.getDuration("bind-timeout"),
        c.getDuration("demo-upload-timeout"),
        c.getDuration("stop-timeout"));
  }

  private static void require(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("modelfleet.node." + key + " must be positive, got " + d);
    }
  }
}
