package io.modelfleet.ops.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.ShadowLoad;
import io.modelfleet.protocol.load.VersionLoad;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadCountersTest {
  private static final long MS = 1_000_000L;

  @Test
  void versionCountersAddUpReplicasAndSeparateErrorsFromRefusals() {
    VersionCounters counters = new VersionCounters();
    ReplicaObserver a = counters.open("m", "1", "m/1/0", "cpu");
    ReplicaObserver b = counters.open("m", "1", "m/1/1", "cpu");
    ReplicaObserver other = counters.open("n", "1", "n/1/0", "cpu");
    a.pending(3);
    b.pending(2);
    a.queued(4 * MS);
    a.succeeded(10 * MS);
    b.succeeded(100 * MS);
    a.failed(FailureReason.BACKEND, MS);
    b.failed(FailureReason.REJECTED, MS);
    b.failed(FailureReason.CANCELED, MS);
    other.succeeded(MS);

    List<VersionLoad> loads = counters.snapshot("m");
    assertEquals(1, loads.size());
    VersionLoad m = loads.get(0);
    assertEquals(2, m.replicas());
    assertEquals(5, m.inFlight());
    assertEquals(5, m.requests());
    assertEquals(1, m.errors());
    assertEquals(1, m.rejected());
    assertEquals(4 * MS, m.queueNanos());
    assertEquals(2, Arrays.stream(m.latency()).sum(), "only successes have a latency");
    long p99 = LatencyBuckets.quantile(m.latency(), 2, 0.99);
    assertTrue(p99 >= 100 * MS && p99 <= 120 * MS, "p99 " + p99);

    b.closed();
    VersionLoad after = counters.snapshot("m").get(0);
    assertEquals(1, after.replicas());
    assertEquals(3, after.inFlight());
    assertEquals(5, after.requests(), "counters outlive the replica that fed them");
    assertEquals(2, counters.snapshot(null).size());
  }

  @Test
  void shadowCountersKeepEachOutputsLargestDifference() {
    ShadowCounters shadows = new ShadowCounters();
    shadows.mirrored("m", "1", "2");
    shadows.mirrored("m", "1", "2");
    shadows.mirrored("m", "1", "2");
    shadows.compared("m", "1", "2", Map.of("y", 0.5, "z", 0.0), Map.of("y", 0.25, "z", 0.0));
    shadows.compared("m", "1", "2", Map.of("y", 3.0, "z", 0.0), Map.of("y", 0.01, "z", 0.0));
    shadows.failed("m", "1", "2");
    shadows.mirrored("other", "1", "2");

    List<ShadowLoad> loads = shadows.snapshot("m");
    assertEquals(1, loads.size());
    ShadowLoad s = loads.get(0);
    assertEquals(3, s.mirrored());
    assertEquals(2, s.compared());
    assertEquals(1, s.failed());
    assertEquals(0, s.mismatched());
    double maxAbs = DiffBuckets.max(s.absDiff().get("y"));
    assertTrue(maxAbs >= 3.0 && maxAbs <= 6.0, "max abs " + maxAbs);
    double maxRel = DiffBuckets.max(s.relDiff().get("y"));
    assertTrue(maxRel >= 0.25 && maxRel <= 0.5, "max rel " + maxRel);
    assertTrue(DiffBuckets.max(s.absDiff().get("z")) <= 1e-9, "identical output");
  }

  @Test
  void diffBucketsBoundEveryValueWithinAFactorOfTwo() {
    for (double d : new double[] {1e-12, 1e-9, 2e-9, 0.3, 1, 1.5, 1e6, 1e8}) {
      double upper = DiffBuckets.upper(DiffBuckets.index(d));
      assertTrue(upper >= d && (d <= 1e-9 || upper <= 2 * d), d + " -> " + upper);
    }
    assertEquals(Double.POSITIVE_INFINITY, DiffBuckets.upper(DiffBuckets.index(Double.NaN)));
    assertEquals(
        Double.POSITIVE_INFINITY, DiffBuckets.upper(DiffBuckets.index(Double.POSITIVE_INFINITY)));
    assertEquals(0, DiffBuckets.max(new long[DiffBuckets.COUNT]));
  }

  @Test
  void costOfOneAnsweredRequest() {
    // A JMH-free loop, printed, not asserted (machines differ): what every answered request pays
    // for the load probe (the rollout analysis and the autoscaler read these counters).
    VersionCounters counters = new VersionCounters();
    ReplicaObserver o = counters.open("m", "1", "m/1/0", "cpu");
    for (int i = 0; i < 200_000; i++) {
      o.queued(i);
      o.succeeded(1_000_000L + i);
    }
    int n = 2_000_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      o.queued(i);
      o.succeeded(1_000_000L + (i & 0xffff) * 100L);
    }
    long elapsed = System.nanoTime() - start;
    System.out.printf(
        "LOAD PROBE: %.0f ns per answered request (queued + succeeded, one thread)%n",
        (double) elapsed / n);
    assertEquals(2_200_000, counters.snapshot("m").get(0).requests());
  }
}
