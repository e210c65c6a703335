package io.modelfleet.gateway.limits;

/**
 * The part of a cluster-wide limit one gateway enforces: 1/n of it, where n is the number of Up
 * gateways. Gateways do not tell each other what they admitted (that would put a network round
 * trip, or a replicated counter's traffic, on every request), so each holds its own share: a client
 * whose requests a load balancer spreads over all gateways gets the whole limit, one that sticks to
 * one gateway gets its share, and with one gateway the limit is exact. Counts are rounded up and
 * kept at least 1, so a small limit never becomes "refuse everything".
 */
public final class ClusterShare {

  private ClusterShare() {}

  /** A rate divided among {@code gateways} (no rounding: the bucket refills in fractions). */
  public static double rate(double limit, int gateways) {
    return limit / Math.max(1, gateways);
  }

  /**
   * A count (burst, in-flight) divided among {@code gateways}: rounded up, at least 1; 0 stays 0.
   */
  public static int count(int limit, int gateways) {
    if (limit == 0) {
      return 0;
    }
    int n = Math.max(1, gateways);
    return Math.max(1, (limit + n - 1) / n);
  }

  /** A byte quota divided among {@code gateways}: rounded up, at least 1; 0 stays 0. */
  public static long bytes(long limit, int gateways) {
    if (limit == 0) {
      return 0;
    }
    long n = Math.max(1, gateways);
    return Math.max(1, limit / n + (limit % n == 0 ? 0 : 1));
  }
}
