package io.modelfleet.bench;

/**
 * What one timed window saw: completed operations, failed ones (with the first failure's message),
 * and every completed operation's latency, sorted, in nanoseconds.
 *
 * @param rowsPerOp rows each operation carries (1 for every served request; 64 for raw batch 64)
 * @param otherCores CPU that processes other than the bench and its node used during the window, in
 *     cores (NaN where unknown); see {@link CpuMonitor}
 * @param serverCpuSeconds CPU time the serving process (the node, the trivial server, or the bench
 *     for raw ORT) used during the window, in seconds (NaN where unknown)
 */
public record Measurement(
    int clients,
    int rowsPerOp,
    long completed,
    long errors,
    String firstError,
    long windowNanos,
    long[] sortedLatencyNanos,
    double otherCores,
    double serverCpuSeconds) {

  public double opsPerSecond() {
    return completed * 1e9 / windowNanos;
  }

  public double rowsPerSecond() {
    return opsPerSecond() * rowsPerOp;
  }

  /** Server CPU per completed operation, in microseconds; NaN when unknown or nothing completed. */
  public double cpuMicrosPerOp() {
    return completed == 0 ? Double.NaN : serverCpuSeconds * 1e6 / completed;
  }

  public double p50Micros() {
    return percentileMicros(0.50);
  }

  public double p99Micros() {
    return percentileMicros(0.99);
  }

  /** Nearest-rank percentile; NaN when nothing completed. */
  public double percentileMicros(double q) {
    if (sortedLatencyNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sortedLatencyNanos.length);
    return sortedLatencyNanos[Math.max(0, Math.min(sortedLatencyNanos.length - 1, rank - 1))] / 1e3;
  }
}
