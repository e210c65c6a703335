package io.modelfleet.ops.jmx;

import io.modelfleet.ops.window.WindowSnapshot;

/**
 * One model version's requests on this node, as the Model MBean's VersionStatistics shows them (an
 * MXBean composite; a class with getters, as {@link DeviceStatus} explains).
 */
public final class VersionStatus {
  private final WindowSnapshot s;

  public VersionStatus(WindowSnapshot s) {
    this.s = s;
  }

  public String getVersion() {
    return s.version();
  }

  public long getRequestsInWindow() {
    return s.requests();
  }

  public long getFailuresInWindow() {
    return s.failures();
  }

  public double getErrorRatio() {
    return s.errorRatio();
  }

  public double getLatencyP50Ms() {
    return ModelView.millis(s.p50Nanos());
  }

  public double getLatencyP95Ms() {
    return ModelView.millis(s.p95Nanos());
  }

  public double getLatencyP99Ms() {
    return ModelView.millis(s.p99Nanos());
  }

  public int getPending() {
    return s.pending();
  }

  public long getRequestsTotal() {
    return s.totalRequests();
  }

  public long getFailuresTotal() {
    return s.totalFailures();
  }
}
