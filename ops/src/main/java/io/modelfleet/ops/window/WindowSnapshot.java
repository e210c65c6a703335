package io.modelfleet.ops.window;

import java.time.Duration;

/**
 * What one model version did on this node over the last window, and since the node started.
 *
 * @param requests answered in the window (successes and failures)
 * @param failures answered with a failure in the window
 * @param p50Nanos latency percentiles of the window's answered requests (arrival at the replica to
 *     answer; bucket upper bounds, at most 20% high); 0 when nothing was answered
 * @param pending requests accepted and not yet answered now, summed over this node's replicas
 * @param totalRequests answered since the node started
 * @param totalFailures failed since the node started
 */
public record WindowSnapshot(
    String model,
    String version,
    Duration window,
    long requests,
    long failures,
    long p50Nanos,
    long p95Nanos,
    long p99Nanos,
    int pending,
    long totalRequests,
    long totalFailures) {

  /** Failures over requests in the window; 0 without requests. */
  public double errorRatio() {
    return requests == 0 ? 0 : (double) failures / requests;
  }
}
