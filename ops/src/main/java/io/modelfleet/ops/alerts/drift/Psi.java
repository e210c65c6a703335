package io.modelfleet.ops.alerts.drift;

import java.util.Arrays;

/**
 * The population stability index of a distribution against a reference, over bins cut at the
 * reference's quantiles: PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), where eᵢ and aᵢ are the shares of the
 * reference's and the compared values in bin i, each raised to at least {@link #EPSILON} so that an
 * empty bin costs a large but finite amount. The usual reading: below 0.1 no significant shift, 0.1
 * to 0.25 a moderate shift, above 0.25 a significant one.
 *
 * <p>Bins: the reference's {@code bins}-quantiles (deciles for 10 bins) as upper edges, the first
 * bin open below and the last open above, so each holds about 1/bins of the reference. Repeated
 * reference values give repeated edges, which are merged (fewer bins); a constant reference c gets
 * the edges just below c and c, so values below, at and above it fall in three bins.
 */
public final class Psi {
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /** The upper edges of the bins, strictly increasing; {@code sorted} is the sorted reference. */
  public static double[] edges(double[] sorted, int count, int bins) {
    if (count == 0) {
      throw new IllegalArgumentException("a reference needs values");
    }
    double[] edges = new double[bins - 1];
    int n = 0;
    for (int i = 1; i < bins; i++) {
      int rank = (int) Math.ceil((double) i * count / bins) - 1;
      double e = sorted[Math.max(0, Math.min(count - 1, rank))];
      if (n == 0 || e > edges[n - 1]) {
        edges[n++] = e;
      }
    }
    if (n <= 1) {
      double c = n == 1 ? edges[0] : sorted[0];
      return new double[] {Math.nextDown(c), c};
    }
    return Arrays.copyOf(edges, n);
  }

  /** The bin of {@code v}: the first whose upper edge is at least v, or the last (open) one. */
  public static int bin(double[] edges, double v) {
    int at = Arrays.binarySearch(edges, v);
    return at >= 0 ? at : -at - 1;
  }

  /** PSI of {@code actual} against {@code expected} (counts per bin, same length). */
  public static double psi(long[] expected, long[] actual) {
    long ne = sum(expected);
    long na = sum(actual);
    if (ne == 0 || na == 0) {
      return 0;
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(EPSILON, (double) expected[i] / ne);
      double a = Math.max(EPSILON, (double) actual[i] / na);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  private static long sum(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }
}
