package io.modelfleet.protocol.load;

/**
 * Exponential buckets for non-negative differences between two outputs (shadow comparisons): bucket
 * 0 holds differences up to 1e-9, bucket i up to 1e-9 × 2^i, so a maximum or quantile read from the
 * buckets is at most twice the true value, up to about 5e8 in 61 buckets (larger ones count as
 * infinite); NaN and infinite differences go to the last bucket. Counts are cumulative, so two
 * readings subtract into a window.
 */
public final class DiffBuckets {
  public static final int COUNT = 61;
  private static final double BASE = 1e-9;

  private DiffBuckets() {}

  /** The bucket of a difference. */
  public static int index(double diff) {
    if (!(diff > BASE)) {
      return Double.isNaN(diff) ? COUNT - 1 : 0;
    }
    if (Double.isInfinite(diff)) {
      return COUNT - 1;
    }
    int i = (int) Math.ceil(Math.log(diff / BASE) / Math.log(2));
    while (i > 0 && upper(i - 1) >= diff) {
      i--;
    }
    while (i < COUNT - 1 && upper(i) < diff) {
      i++;
    }
    return Math.min(i, COUNT - 1);
  }

  /** The upper bound of bucket {@code i} (the last bucket: infinity). */
  public static double upper(int i) {
    return i >= COUNT - 1 ? Double.POSITIVE_INFINITY : BASE * Math.pow(2, i);
  }

  /** The upper bound of the highest non-empty bucket, or 0 when all are empty. */
  public static double max(long[] counts) {
    for (int i = counts.length - 1; i >= 0; i--) {
      if (counts[i] > 0) {
        return upper(i);
      }
    }
    return 0;
  }

  /** The upper bound of the bucket holding the {@code q} quantile (0 < q ≤ 1), or 0 when empty. */
  public static double quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upper(i);
      }
    }
    return upper(counts.length - 1);
  }
}
