package io.modelfleet.protocol.security;

import io.modelfleet.protocol.FleetSerializable;

/**
 * What one key may use; 0 means no limit of that kind. Requests per second is a token bucket
 * refilled at {@code requestsPerSecond} holding at most {@code burst} requests; in-flight counts
 * requests being served at once; upload bytes counts the bytes of uploaded model files per UTC day.
 */
public record KeyLimits(
    double requestsPerSecond, int burst, int maxInFlight, long uploadBytesPerDay)
    implements FleetSerializable {

  public static final KeyLimits NONE = new KeyLimits(0, 0, 0, 0);

  public KeyLimits {
    if (requestsPerSecond < 0 || burst < 0 || maxInFlight < 0 || uploadBytesPerDay < 0) {
      throw new IllegalArgumentException("key limits must not be negative");
    }
  }

  /** The bucket's size: the burst, or one second of requests when no burst was given. */
  public int bucketSize() {
    return burst > 0 ? burst : (int) Math.max(1, Math.ceil(requestsPerSecond));
  }
}
