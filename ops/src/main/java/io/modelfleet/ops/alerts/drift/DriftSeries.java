package io.modelfleet.ops.alerts.drift;

import java.util.Arrays;
import java.util.Optional;

/**
 * The sampled values of one output of one model version on this node: first its reference (the
 * first {@code referenceSize} values after it starts or is reset), then a sliding window of later
 * values, binned at the reference's quantiles (see {@link Psi}). The window is a ring of slices as
 * in {@code RequestWindow}: a slice older than the window is cleared before reuse.
 *
 * <p>Replicas of the version on this node add from their ORT threads, and the evaluator reads, so
 * every method takes this object's lock; each holds it for a few array writes (the sort that ends
 * the reference happens once).
 */
public final class DriftSeries {
  private final String model;
  private final String version;
  private final String output;
  private final int referenceSize;
  private final int bins;
  private final int slices;
  private final long sliceNanos;
  private final int minWindowValues;

  private double[] reference;
  private int referenceCount;
  private double[] edges;
  private long[] referenceBins;
  private double referenceMean;
  private double referenceStd;

  private final long[] sliceNumber;
  private final long[] count;
  private final double[] sum;
  private final double[] sumSquares;
  private long[][] sliceBins;

  public DriftSeries(String model, String version, String output, DriftSettings settings) {
    this.model = model;
    this.version = version;
    this.output = output;
    this.referenceSize = settings.referenceSize();
    this.bins = settings.bins();
    this.slices = settings.windowSlices();
    this.sliceNanos = Math.max(1, settings.window().toNanos() / slices);
    this.minWindowValues = settings.minWindowValues();
    this.sliceNumber = new long[slices];
    this.count = new long[slices];
    this.sum = new double[slices];
    this.sumSquares = new double[slices];
    reset();
  }

  /** Forgets the reference and the window: the next values become the new reference. */
  public synchronized void reset() {
    reference = new double[referenceSize];
    referenceCount = 0;
    edges = null;
    referenceBins = null;
    sliceBins = null;
    Arrays.fill(sliceNumber, Long.MIN_VALUE);
    Arrays.fill(count, 0);
    Arrays.fill(sum, 0);
    Arrays.fill(sumSquares, 0);
  }

  /** Adds the first {@code n} of {@code values}, sampled at {@code nowNanos} (monotonic). */
  public synchronized void add(double[] values, int n, long nowNanos) {
    int i = 0;
    while (i < n && edges == null) {
      reference[referenceCount++] = values[i++];
      if (referenceCount == referenceSize) {
        closeReference();
      }
    }
    if (i == n) {
      return;
    }
    int s = slice(nowNanos);
    for (; i < n; i++) {
      double v = values[i];
      count[s]++;
      sum[s] += v;
      sumSquares[s] += v * v;
      sliceBins[s][Psi.bin(edges, v)]++;
    }
  }

  /** The window against the reference, once both are there and the window has enough values. */
  public synchronized Optional<DriftReading> reading(long nowNanos) {
    if (edges == null) {
      return Optional.empty();
    }
    long current = Math.floorDiv(nowNanos, sliceNanos);
    long n = 0;
    double total = 0;
    double squares = 0;
    long[] merged = new long[edges.length + 1];
    for (int i = 0; i < slices; i++) {
      if (sliceNumber[i] != Long.MIN_VALUE && current - sliceNumber[i] < slices) {
        n += count[i];
        total += sum[i];
        squares += sumSquares[i];
        for (int b = 0; b < merged.length; b++) {
          merged[b] += sliceBins[i][b];
        }
      }
    }
    if (n < minWindowValues) {
      return Optional.empty();
    }
    double mean = total / n;
    return Optional.of(
        new DriftReading(
            model,
            version,
            output,
            Psi.psi(referenceBins, merged),
            merged.length,
            referenceSize,
            referenceMean,
            referenceStd,
            n,
            mean,
            std(squares / n, mean)));
  }

  public String model() {
    return model;
  }

  /** Sorts the reference, cuts the bins, counts it into them and keeps only the counts. */
  private void closeReference() {
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    edges = Psi.edges(sorted, referenceCount, bins);
    referenceBins = new long[edges.length + 1];
    double total = 0;
    double squares = 0;
    for (double v : sorted) {
      referenceBins[Psi.bin(edges, v)]++;
      total += v;
      squares += v * v;
    }
    referenceMean = total / referenceCount;
    referenceStd = std(squares / referenceCount, referenceMean);
    reference = null;
    sliceBins = new long[slices][edges.length + 1];
  }

  private int slice(long now) {
    long number = Math.floorDiv(now, sliceNanos);
    int i = (int) Math.floorMod(number, (long) slices);
    if (sliceNumber[i] != number) {
      sliceNumber[i] = number;
      count[i] = 0;
      sum[i] = 0;
      sumSquares[i] = 0;
      Arrays.fill(sliceBins[i], 0);
    }
    return i;
  }

  private static double std(double meanOfSquares, double mean) {
    return Math.sqrt(Math.max(0, meanOfSquares - mean * mean));
  }
}
