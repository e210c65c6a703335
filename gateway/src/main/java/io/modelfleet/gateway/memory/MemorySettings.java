package io.modelfleet.gateway.memory;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The gateway's memory limits, from {@code modelfleet.gateway} (see reference.conf).
 *
 * @param bodyBytesInFlight the budget for inference bodies and their decoded tensors together
 * @param admissionWait how long a request waits for room in that budget before a 503
 * @param maxJsonResponseBytes the largest response the gateway writes as JSON, by its estimated
 *     size
 */
public record MemorySettings(
    long bodyBytesInFlight, Duration admissionWait, long maxJsonResponseBytes) {

  public static final String BUDGET_KEY = "modelfleet.gateway.max-body-bytes-in-flight";
  public static final String WAIT_KEY = "modelfleet.gateway.body-admission-wait";
  public static final String JSON_RESPONSE_KEY = "modelfleet.gateway.max-json-response-bytes";

  public MemorySettings {
    if (bodyBytesInFlight <= 0) {
      throw new IllegalArgumentException(
          BUDGET_KEY + " must be positive, got " + bodyBytesInFlight);
    }
    if (admissionWait == null || admissionWait.isNegative()) {
      throw new IllegalArgumentException(WAIT_KEY + " must not be negative, got " + admissionWait);
    }
    if (maxJsonResponseBytes <= 0) {
      throw new IllegalArgumentException(
          JSON_RESPONSE_KEY + " must be positive, got " + maxJsonResponseBytes);
    }
  }

  public static MemorySettings fromConfig(Config root) {
    return new MemorySettings(
        budget(root.getString(BUDGET_KEY).trim(), root, Runtime.getRuntime().maxMemory()),
        root.getDuration(WAIT_KEY),
        root.getBytes(JSON_RESPONSE_KEY));
  }

  /** "25%" of {@code maxHeap}, or a size in bytes with HOCON's units ("64 MiB"). */
  static long budget(String value, Config root, long maxHeap) {
    if (value.endsWith("%")) {
      double percent;
      try {
        percent = Double.parseDouble(value.substring(0, value.length() - 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            BUDGET_KEY + " must be a size or a percentage of the heap, got '" + value + "'");
      }
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException(
            BUDGET_KEY + " must be a percentage from 0 (exclusive) to 100, got '" + value + "'");
      }
      return (long) (maxHeap * percent / 100);
    }
    return root.getBytes(BUDGET_KEY);
  }
}
