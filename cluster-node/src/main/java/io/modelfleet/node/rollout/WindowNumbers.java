package io.modelfleet.node.rollout;

import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.ShadowLoad;
import io.modelfleet.protocol.load.VersionLoad;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of an analysis window from two readings of every node's load probe: the sums over the
 * nodes of now minus start. A node that appeared since the start counts from zero, a node gone
 * since drops out, and a node whose counters went backwards (it restarted under the same address)
 * counts from zero too. Pure.
 */
final class WindowNumbers {
  private WindowNumbers() {}

  static RolloutWindow between(
      Map<String, NodeLoad> start,
      Map<String, NodeLoad> now,
      String model,
      String candidate,
      String baseline,
      Instant at,
      long windowMillis) {
    Sums cand = new Sums();
    Sums base = new Sums();
    long compared = 0;
    long mismatched = 0;
    long failed = 0;
    Map<String, long[]> abs = new HashMap<>();
    Map<String, long[]> rel = new HashMap<>();
    for (Map.Entry<String, NodeLoad> e : now.entrySet()) {
      NodeLoad before = start.get(e.getKey());
      cand.add(version(e.getValue(), model, candidate), version(before, model, candidate));
      base.add(version(e.getValue(), model, baseline), version(before, model, baseline));
      ShadowLoad s = shadow(e.getValue(), model, baseline, candidate);
      if (s == null) {
        continue;
      }
      ShadowLoad b = shadow(before, model, baseline, candidate);
      if (b != null && b.compared() > s.compared()) {
        b = null;
      }
      compared += s.compared() - (b == null ? 0 : b.compared());
      mismatched += s.mismatched() - (b == null ? 0 : b.mismatched());
      failed += s.failed() - (b == null ? 0 : b.failed());
      addBuckets(abs, s.absDiff(), b == null ? Map.of() : b.absDiff());
      addBuckets(rel, s.relDiff(), b == null ? Map.of() : b.relDiff());
    }
    return new RolloutWindow(
        at,
        windowMillis,
        cand.requests,
        cand.errors,
        cand.p99Ms(),
        base.requests,
        base.errors,
        base.p99Ms(),
        compared,
        mismatched,
        failed,
        maxima(abs),
        maxima(rel));
  }

  private static VersionLoad version(NodeLoad n, String model, String version) {
    if (n == null) {
      return null;
    }
    for (VersionLoad v : n.versions()) {
      if (v.model().equals(model) && v.version().equals(version)) {
        return v;
      }
    }
    return null;
  }

  private static ShadowLoad shadow(NodeLoad n, String model, String baseline, String candidate) {
    if (n == null) {
      return null;
    }
    for (ShadowLoad s : n.shadows()) {
      if (s.model().equals(model)
          && s.baseline().equals(baseline)
          && s.candidate().equals(candidate)) {
        return s;
      }
    }
    return null;
  }

  private static void addBuckets(
      Map<String, long[]> into, Map<String, long[]> now, Map<String, long[]> before) {
    for (Map.Entry<String, long[]> e : now.entrySet()) {
      long[] b = before.get(e.getKey());
      long[] sum = into.computeIfAbsent(e.getKey(), k -> new long[DiffBuckets.COUNT]);
      long[] n = e.getValue();
      for (int i = 0; i < Math.min(n.length, sum.length); i++) {
        sum[i] += n[i] - (b == null || i >= b.length ? 0 : b[i]);
      }
    }
  }

  private static Map<String, Double> maxima(Map<String, long[]> buckets) {
    Map<String, Double> max = new TreeMap<>();
    buckets.forEach((output, counts) -> max.put(output, DiffBuckets.max(counts)));
    return max;
  }

  /** One version's counters summed over the nodes. */
  private static final class Sums {
    long requests;
    long errors;
    final long[] latency = new long[LatencyBuckets.COUNT];

    void add(VersionLoad now, VersionLoad before) {
      if (now == null) {
        return;
      }
      if (before != null && before.requests() > now.requests()) {
        before = null;
      }
      requests += now.requests() - (before == null ? 0 : before.requests());
      errors += now.errors() - (before == null ? 0 : before.errors());
      long[] n = now.latency();
      long[] b = before == null ? null : before.latency();
      for (int i = 0; i < Math.min(n.length, latency.length); i++) {
        latency[i] += n[i] - (b == null || i >= b.length ? 0 : b[i]);
      }
    }

    double p99Ms() {
      long total = 0;
      for (long c : latency) {
        total += c;
      }
      return LatencyBuckets.quantile(latency, total, 0.99) / 1e6;
    }
  }
}
