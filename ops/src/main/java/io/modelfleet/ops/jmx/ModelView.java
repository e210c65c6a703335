package io.modelfleet.ops.jmx;

import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.ops.window.WindowSnapshot;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Model MBean: reads the directory copy and the node's request windows on each attribute read
 * (a volatile read and a small sort), so a read never waits on another node.
 */
public final class ModelView implements ModelMXBean {
  private final String name;
  private final DirectoryView directory;
  private final ModelWindows windows;
  private final ClusterSource cluster;

  public ModelView(
      String name, DirectoryView directory, ModelWindows windows, ClusterSource cluster) {
    this.name = name;
    this.directory = directory;
    this.windows = windows;
    this.cluster = cluster;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public int getReadyReplicas() {
    return byState(live()).getOrDefault("READY", 0);
  }

  @Override
  public int getReplicas() {
    return live().size();
  }

  @Override
  public Map<String, Integer> getReplicasByState() {
    return byState(live());
  }

  @Override
  public int getLocalReplicas() {
    return windows.servingReplicas(name);
  }

  @Override
  public List<String> getVersions() {
    return versions(directory.replicasOf(name), windows.snapshot(name));
  }

  @Override
  public long getWindowSeconds() {
    return windows.window().toSeconds();
  }

  @Override
  public long getRequestsInWindow() {
    return combined().requests();
  }

  @Override
  public long getFailuresInWindow() {
    return combined().failures();
  }

  @Override
  public double getErrorRatio() {
    return combined().errorRatio();
  }

  @Override
  public double getLatencyP50Ms() {
    return millis(combined().p50Nanos());
  }

  @Override
  public double getLatencyP95Ms() {
    return millis(combined().p95Nanos());
  }

  @Override
  public double getLatencyP99Ms() {
    return millis(combined().p99Nanos());
  }

  @Override
  public int getPending() {
    return combined().pending();
  }

  @Override
  public long getRequestsTotal() {
    return combined().totalRequests();
  }

  @Override
  public long getFailuresTotal() {
    return combined().totalFailures();
  }

  @Override
  public List<VersionStatus> getVersionStatistics() {
    return windows.snapshot(name).stream().map(VersionStatus::new).toList();
  }

  private List<ReplicaInfo> live() {
    return live(directory.replicasOf(name), cluster.snapshot().liveAddresses());
  }

  private WindowSnapshot combined() {
    return combine(name, windows.snapshot(name), windows.window());
  }

  /** The entries whose node is a member that is neither Down nor Removed. */
  static List<ReplicaInfo> live(Collection<ReplicaInfo> entries, Set<String> liveNodes) {
    return entries.stream().filter(r -> liveNodes.contains(r.node())).toList();
  }

  /** Count per state name, sorted by name. */
  static Map<String, Integer> byState(Collection<ReplicaInfo> entries) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ReplicaInfo r : entries) {
      counts.merge(r.state().name(), 1, Integer::sum);
    }
    return counts;
  }

  /** Versions in the directory or served here, in version order (numerically when numbers). */
  static List<String> versions(Collection<ReplicaInfo> entries, List<WindowSnapshot> served) {
    Set<String> all = new TreeSet<>(ModelView::compareVersions);
    entries.forEach(r -> all.add(r.version()));
    served.forEach(s -> all.add(s.version()));
    return List.copyOf(all);
  }

  private static int compareVersions(String a, String b) {
    boolean na = !a.isEmpty() && a.chars().allMatch(Character::isDigit);
    boolean nb = !b.isEmpty() && b.chars().allMatch(Character::isDigit);
    if (na && nb && a.length() != b.length()) {
      return Integer.compare(a.length(), b.length());
    }
    return a.compareTo(b);
  }

  /**
   * The model's figures from its versions': counts add up; each percentile is the highest of the
   * versions that answered in the window (percentiles of separate windows cannot be added, and a
   * model normally serves one version at a time).
   */
  static WindowSnapshot combine(String model, List<WindowSnapshot> versions, Duration window) {
    long requests = 0;
    long failures = 0;
    long p50 = 0;
    long p95 = 0;
    long p99 = 0;
    int pending = 0;
    long total = 0;
    long totalFailures = 0;
    for (WindowSnapshot s : versions) {
      requests += s.requests();
      failures += s.failures();
      if (s.requests() > 0) {
        p50 = Math.max(p50, s.p50Nanos());
        p95 = Math.max(p95, s.p95Nanos());
        p99 = Math.max(p99, s.p99Nanos());
      }
      pending += s.pending();
      total += s.totalRequests();
      totalFailures += s.totalFailures();
    }
    return new WindowSnapshot(
        model, "", window, requests, failures, p50, p95, p99, pending, total, totalFailures);
  }

  /** Nanoseconds as milliseconds, to the microsecond. */
  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
