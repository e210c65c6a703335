package io.modelfleet.gateway.limits;

import io.modelfleet.protocol.security.KeyLimits;

/**
 * The limiter's state for one key or one tenant: the token bucket and in-flight count built for one
 * set of limits and one number of gateways. Immutable apart from the counters, so a change of
 * limits or of the cluster replaces it: a fresh bucket (full), but the same in-flight counter with
 * its new limit, since the requests it counts are still being served.
 */
final class RateState {

  /** lastSeen is written at most this often per state, so hot keys don't share a busy write. */
  private static final long TOUCH_NANOS = 1_000_000_000L;

  final KeyLimits limits;
  final int gateways;
  final TokenBucket bucket; // null: no rate limit
  final InFlight inFlight; // null: no in-flight limit
  private volatile long lastSeen;

  private RateState(
      KeyLimits limits, int gateways, TokenBucket bucket, InFlight inFlight, long nowNanos) {
    this.limits = limits;
    this.gateways = gateways;
    this.bucket = bucket;
    this.inFlight = inFlight;
    this.lastSeen = nowNanos;
  }

  /** State for {@code limits} on one of {@code gateways}, keeping {@code old}'s in-flight count. */
  static RateState create(KeyLimits limits, int gateways, RateState old, long nowNanos) {
    TokenBucket bucket =
        limits.requestsPerSecond() > 0
            ? new TokenBucket(
                ClusterShare.rate(limits.requestsPerSecond(), gateways),
                ClusterShare.count(limits.bucketSize(), gateways))
            : null;
    InFlight inFlight = null;
    if (limits.maxInFlight() > 0) {
      int share = ClusterShare.count(limits.maxInFlight(), gateways);
      inFlight = old != null && old.inFlight != null ? old.inFlight : new InFlight(share);
      inFlight.setLimit(share);
    }
    return new RateState(limits, gateways, bucket, inFlight, nowNanos);
  }

  boolean matches(KeyLimits other, int n) {
    return n == gateways && (other == limits || other.equals(limits));
  }

  void touch(long nowNanos) {
    if (nowNanos - lastSeen > TOUCH_NANOS) {
      lastSeen = nowNanos;
    }
  }

  /**
   * Whether dropping this state changes nothing a client could notice: unused for {@code
   * forgetNanos}, nothing in flight, and the bucket full again (so a fresh one lends no tokens).
   */
  boolean forgettable(long nowNanos, long forgetNanos) {
    return nowNanos - lastSeen >= forgetNanos
        && (inFlight == null || inFlight.current() == 0)
        && (bucket == null || bucket.isFull(nowNanos));
  }
}
