package io.modelfleet.ops.window;

import io.modelfleet.protocol.load.LatencyBuckets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The answered requests of one model version over a sliding window: the window is cut into slices
 * (a ring), each with its counts and latency buckets; a slice older than the window is cleared
 * before it is reused, so a reading covers the last window to within one slice. Replicas of the
 * same version on the node report into the same window from their own actors, hence the lock
 * (uncontended in the common case, and held for a few array writes).
 */
public final class RequestWindow {
  private final long sliceNanos;
  private final int slices;
  private final Duration window;
  private final LongSupplier clock;
  private final long[] sliceStart;
  private final long[] requests;
  private final long[] failures;
  private final long[][] latency;
  private long totalRequests;
  private long totalFailures;

  /**
   * @param clock nanoseconds, monotonic ({@code System::nanoTime}; tests pass their own)
   */
  public RequestWindow(Duration window, int slices, LongSupplier clock) {
    if (slices < 1 || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("a window needs a positive length and slices");
    }
    this.window = window;
    this.slices = slices;
    this.sliceNanos = Math.max(1, window.toNanos() / slices);
    this.clock = clock;
    this.sliceStart = new long[slices];
    Arrays.fill(sliceStart, Long.MIN_VALUE);
    this.requests = new long[slices];
    this.failures = new long[slices];
    this.latency = new long[slices][LatencyBuckets.COUNT];
  }

  public synchronized void succeeded(long totalNanos) {
    int s = slice(clock.getAsLong());
    requests[s]++;
    latency[s][LatencyBuckets.index(totalNanos)]++;
    totalRequests++;
  }

  public synchronized void failed(long totalNanos) {
    int s = slice(clock.getAsLong());
    requests[s]++;
    failures[s]++;
    latency[s][LatencyBuckets.index(totalNanos)]++;
    totalRequests++;
    totalFailures++;
  }

  /** The window as it is now; {@code pending} is passed through (the caller counts it). */
  public synchronized WindowSnapshot snapshot(String model, String version, int pending) {
    long now = clock.getAsLong();
    long current = Math.floorDiv(now, sliceNanos);
    long n = 0;
    long failed = 0;
    long[] merged = new long[LatencyBuckets.COUNT];
    for (int i = 0; i < slices; i++) {
      if (sliceStart[i] != Long.MIN_VALUE && current - sliceStart[i] < slices) {
        n += requests[i];
        failed += failures[i];
        for (int b = 0; b < merged.length; b++) {
          merged[b] += latency[i][b];
        }
      }
    }
    return new WindowSnapshot(
        model,
        version,
        window,
        n,
        failed,
        LatencyBuckets.quantile(merged, n, 0.50),
        LatencyBuckets.quantile(merged, n, 0.95),
        LatencyBuckets.quantile(merged, n, 0.99),
        pending,
        totalRequests,
        totalFailures);
  }

  /** The ring index of the slice holding {@code now}, cleared first if it held an older slice. */
  private int slice(long now) {
    long number = Math.floorDiv(now, sliceNanos);
    int i = (int) Math.floorMod(number, (long) slices);
    if (sliceStart[i] != number) {
      sliceStart[i] = number;
      requests[i] = 0;
      failures[i] = 0;
      Arrays.fill(latency[i], 0);
    }
    return i;
  }
}
