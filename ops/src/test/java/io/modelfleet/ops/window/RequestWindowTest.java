package io.modelfleet.ops.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.load.LatencyBuckets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestWindowTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000_000 * MS);

  @Test
  void percentilesAreWithinTwentyPercentAndOldSlicesLeaveTheWindow() {
    RequestWindow w = new RequestWindow(Duration.ofSeconds(10), 10, now::get);
    for (int i = 1; i <= 100; i++) {
      w.succeeded(i * MS); // 1 ms .. 100 ms
    }
    w.failed(500 * MS);
    WindowSnapshot s = w.snapshot("m", "1", 0);
    assertEquals(101, s.requests());
    assertEquals(1, s.failures());
    assertTrue(s.p50Nanos() >= 51 * MS && s.p50Nanos() <= 51 * MS * 1.2, "p50 " + s.p50Nanos());
    assertTrue(s.p99Nanos() >= 100 * MS && s.p99Nanos() <= 120 * MS, "p99 " + s.p99Nanos());
    now.addAndGet(5_000 * MS);
    w.succeeded(2 * MS);
    assertEquals(102, w.snapshot("m", "1", 0).requests());
    now.addAndGet(6_000 * MS); // the first burst is now 11 s old
    WindowSnapshot later = w.snapshot("m", "1", 0);
    assertEquals(1, later.requests(), "only the request 6 s ago is in the window");
    assertEquals(0, later.failures());
    assertEquals(102, later.totalRequests());
    assertEquals(1, later.totalFailures());
  }

  @Test
  void bucketsCoverEveryLatencyInOrder() {
    long previous = 0;
    for (int i = 0; i < LatencyBuckets.COUNT; i++) {
      long upper = LatencyBuckets.upperNanos(i);
      assertTrue(upper > previous);
      assertEquals(i, LatencyBuckets.index(upper), "upper bound of " + i);
      if (i > 0) {
        assertEquals(i, LatencyBuckets.index(previous + 1), "just above bucket " + (i - 1));
      }
      previous = upper;
    }
    assertEquals(LatencyBuckets.COUNT - 1, LatencyBuckets.index(Long.MAX_VALUE));
    assertEquals(0, LatencyBuckets.index(0));
  }

  @Test
  void modelWindowsSumPendingOverReplicasAndForgetClosedOnes() {
    ModelWindows windows = new ModelWindows(Duration.ofSeconds(10), 10, now::get);
    ReplicaObserver a = windows.open("m", "1", "m/1/0", "cpu");
    ReplicaObserver b = windows.open("m", "1", "m/1/1", "cpu");
    a.pending(3);
    b.pending(2);
    a.succeeded(MS);
    b.failed(FailureReason.BACKEND, MS);
    WindowSnapshot s = windows.snapshot("m").get(0);
    assertEquals(5, s.pending());
    assertEquals(2, s.requests());
    assertEquals(0.5, s.errorRatio());
    assertEquals(2, windows.servingReplicas("m"));
    b.closed();
    assertEquals(3, windows.snapshot("m").get(0).pending());
    assertEquals(1, windows.servingReplicas("m"));
  }
}
