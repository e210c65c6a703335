package io.modelfleet.ops.tracing;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code modelfleet.ops.tracing}: where spans go (an OTLP/HTTP endpoint; empty = tracing off), how
 * many traces started here are kept, and how often spans are sent.
 */
public record TracingSettings(
    String endpoint, double sampleRatio, Duration exportDelay, String serviceName) {

  public TracingSettings {
    if (sampleRatio < 0 || sampleRatio > 1) {
      throw new IllegalArgumentException(
          "modelfleet.ops.tracing.sample-ratio must be between 0 and 1, got " + sampleRatio);
    }
    if (!endpoint.isBlank()
        && !endpoint.startsWith("http://")
        && !endpoint.startsWith("https://")) {
      throw new IllegalArgumentException(
          "modelfleet.ops.tracing.otlp-endpoint (MODELFLEET_OTLP_ENDPOINT) must be an http:// or"
              + " https:// URL such as http://collector:4318/v1/traces, got '"
              + endpoint
              + "'");
    }
  }

  public boolean enabled() {
    return !endpoint.isBlank();
  }

  public static TracingSettings fromConfig(Config config) {
    Config c = config.getConfig("modelfleet.ops.tracing");
    return new TracingSettings(
        c.getString("otlp-endpoint").trim(),
        c.getDouble("sample-ratio"),
        c.getDuration("export-delay"),
        c.getString("service-name"));
  }
}
