package io.modelfleet.ops.metrics;

import com.typesafe.config.Config;
import java.util.List;

/**
 * The {@code modelfleet.ops.metrics} settings (see the ops module's reference.conf for the meaning,
 * unit and default of each key).
 *
 * @param enabled off: no metrics at all, and no observer on the request path
 * @param port the separate metrics port (Triton's 8002); 0: none
 * @param portRequiresKey whether the metrics port asks for an API key as the HTTP port does
 * @param latencyBuckets upper bounds in seconds of the latency histograms, ascending
 * @param batchSizeBuckets upper bounds in rows of the batch-size histogram, ascending
 */
public record MetricsSettings(
    boolean enabled,
    int port,
    boolean portRequiresKey,
    List<Double> latencyBuckets,
    List<Double> batchSizeBuckets) {

  public MetricsSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "modelfleet.ops.metrics.port must be 0..65535 (0: no metrics port), got " + port);
    }
    latencyBuckets = ascending("latency-buckets", latencyBuckets);
    batchSizeBuckets = ascending("batch-size-buckets", batchSizeBuckets);
  }

  public static MetricsSettings fromConfig(Config config) {
    Config c = config.getConfig("modelfleet.ops.metrics");
    return new MetricsSettings(
        c.getBoolean("enabled"),
        c.getInt("port"),
        c.getBoolean("port-requires-key"),
        c.getDoubleList("latency-buckets"),
        c.getDoubleList("batch-size-buckets"));
  }

  /** Whether the separate metrics port is served. */
  public boolean servesPort() {
    return enabled && port > 0;
  }

  static double[] array(List<Double> bounds) {
    double[] a = new double[bounds.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = bounds.get(i);
    }
    return a;
  }

  private static List<Double> ascending(String key, List<Double> bounds) {
    if (bounds == null || bounds.isEmpty()) {
      throw new IllegalArgumentException("modelfleet.ops.metrics." + key + " must not be empty");
    }
    double previous = 0;
    for (double b : bounds) {
      if (!(b > previous) || Double.isInfinite(b)) {
        throw new IllegalArgumentException(
            "modelfleet.ops.metrics."
                + key
                + " must be positive, finite and ascending, got "
                + bounds);
      }
      previous = b;
    }
    return List.copyOf(bounds);
  }
}
