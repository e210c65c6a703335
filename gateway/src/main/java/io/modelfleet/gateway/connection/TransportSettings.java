package io.modelfleet.gateway.connection;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the gateway treats HTTP connections, read from {@code modelfleet.gateway} (see the gateway's
 * reference.conf for meaning, unit and default of each key).
 *
 * @param maxConnections connections open at once; further ones wait in the listen backlog
 * @param headerTimeout how long a request head may take to arrive (see {@link HeadGuard})
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param minBodyRate bytes per second a request body must average after the grace period; 0 turns
 *     the check off
 * @param bodyRateGrace how long a body is waited for before its rate is checked
 * @param stallTimeout a connection on which no byte moves either way for this long is closed
 * @param compressMinSize the smallest response body compressed when the client accepts gzip or
 *     deflate
 * @param terminationDeadline how long a stopping gateway lets open requests finish before it cuts
 *     their connections
 */
public record TransportSettings(
    int maxConnections,
    Duration headerTimeout,
    Duration idleTimeout,
    long minBodyRate,
    Duration bodyRateGrace,
    Duration stallTimeout,
    long compressMinSize,
    Duration terminationDeadline) {

  public TransportSettings {
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.max-connections must be at least 1, got " + maxConnections);
    }
    positive("header-timeout", headerTimeout);
    positive("idle-timeout", idleTimeout);
    positive("body-rate-grace", bodyRateGrace);
    positive("stall-timeout", stallTimeout);
    if (minBodyRate < 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.min-body-rate must not be negative, got " + minBodyRate);
    }
    if (terminationDeadline == null || terminationDeadline.isNegative()) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.termination-deadline must not be negative, got "
              + terminationDeadline);
    }
    if (compressMinSize < 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.compress-min-size must not be negative, got " + compressMinSize);
    }
  }

  /** Reads {@code modelfleet.gateway.*} from the whole configuration. */
  public static TransportSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway");
    return new TransportSettings(
        c.getInt("max-connections"),
        c.getDuration("header-timeout"),
        c.getDuration("idle-timeout"),
        c.getBytes("min-body-rate"),
        c.getDuration("body-rate-grace"),
        c.getDuration("stall-timeout"),
        c.getBytes("compress-min-size"),
        c.getDuration("termination-deadline"));
  }

  /**
   * Refuses a stall timeout that would cut a request still within its own deadline: a repository
   * load may stay silent for the whole load-timeout, an inference for its infer-timeout.
   */
  public void requireStallAbove(String key, Duration longestSilence) {
    if (stallTimeout.compareTo(longestSilence) <= 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.stall-timeout ("
              + stallTimeout.toSeconds()
              + " s) must be longer than the "
              + longestSilence.toSeconds()
              + " s a request may wait silently under"
              + " modelfleet.gateway."
              + key
              + ", or it would close connections whose requests are still within"
              + " their own deadline: lower "
              + key
              + " or raise stall-timeout");
    }
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.gateway." + key + " must be a positive duration, got " + d);
    }
  }
}
