package io.modelfleet.protocol.load;

/**
 * Exponential latency buckets for percentiles: bucket i holds latencies up to 10 µs × 1.2^i, so a
 * percentile read from the buckets is at most 20% above the true value, from 10 µs to past 10
 * minutes in 100 buckets. Fixed buckets make merging windows an addition and recording an index
 * computation, with no allocation.
 */
public final class LatencyBuckets {
  public static final int COUNT = 100;
  private static final double BASE_NANOS = 10_000;
  private static final double GROWTH = 1.2;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  private static final long[] UPPER = new long[COUNT];

  static {
    for (int i = 0; i < COUNT; i++) {
      UPPER[i] = (long) Math.ceil(BASE_NANOS * Math.pow(GROWTH, i));
    }
  }

  private LatencyBuckets() {}

  /** The bucket of a latency; the last bucket takes everything longer. */
  public static int index(long nanos) {
    if (nanos <= BASE_NANOS) {
      return 0;
    }
    int i = (int) Math.ceil(Math.log(nanos / BASE_NANOS) / LOG_GROWTH);
    // Rounding can put a value on the wrong side of a boundary; settle it exactly.
    while (i > 0 && i < COUNT && UPPER[i - 1] >= nanos) {
      i--;
    }
    while (i < COUNT - 1 && UPPER[i] < nanos) {
      i++;
    }
    return Math.min(i, COUNT - 1);
  }

  /** The upper bound of bucket {@code i}, in nanoseconds. */
  public static long upperNanos(int i) {
    return UPPER[i];
  }

  /**
   * The {@code q} quantile (0 < q ≤ 1) of the counts as a bucket's upper bound, or 0 when empty.
   */
  public static long quantile(long[] counts, long total, double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return UPPER[i];
      }
    }
    return UPPER[COUNT - 1];
  }
}
