package io.modelfleet.ops;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code modelfleet.ops} settings shared by the operations components. */
public record OpsSettings(Duration window, int windowSlices) {

  public OpsSettings {
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("modelfleet.ops.window must be positive, got " + window);
    }
    if (windowSlices < 1) {
      throw new IllegalArgumentException(
          "modelfleet.ops.window-slices must be at least 1, got " + windowSlices);
    }
  }

  public static OpsSettings fromConfig(Config config) {
    Config c = config.getConfig("modelfleet.ops");
    return new OpsSettings(c.getDuration("window"), c.getInt("window-slices"));
  }
}
