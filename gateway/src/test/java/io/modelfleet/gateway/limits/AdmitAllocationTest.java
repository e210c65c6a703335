package io.modelfleet.gateway.limits;

import static io.modelfleet.gateway.limits.Keys.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyLimits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The admitted path runs on every request, so it must not make garbage: a request limited by rate
 * alone allocates nothing, one under an in-flight limit only its {@link Admitted} handle.
 */
class AdmitAllocationTest {

  private static final int CALLS = 200_000;

  /** The fake clock, one millisecond per request: within every rate here. */
  private long now;

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** Bytes allocated per admit (and release) of {@code k}, after a warm-up. */
  private double bytesPerAdmit(Limiter l, ApiKey k) {
    for (int i = 0; i < CALLS; i++) {
      now += 1_000_000;
      if (l.admit(k, now) instanceof Admitted a) {
        a.release();
      }
    }
    long before = allocatedBytes();
    int admitted = 0;
    for (int i = 0; i < CALLS; i++) {
      now += 1_000_000;
      if (l.admit(k, now) instanceof Admitted a) {
        a.release();
        admitted++;
      }
    }
    long after = allocatedBytes();
    assertEquals(CALLS, admitted);
    return (after - before) / (double) CALLS;
  }

  @Test
  void aRateLimitedRequestAllocatesNothingAndAnInFlightOneOnlyItsHandle() {
    Assumptions.assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    Limiter l =
        new Limiter(
            new LimitSettings(
                KeyLimits.NONE,
                Map.of("acme", new KeyLimits(2000, 10, 0, 0)),
                Duration.ofMinutes(10),
                false),
            () -> 2);
    double byRate = bytesPerAdmit(l, key("r", "acme", new KeyLimits(5000, 10, 0, 0)));
    assertTrue(byRate < 1, byRate + " bytes per admitted request");
    double withHandle = bytesPerAdmit(l, key("f", "acme", new KeyLimits(5000, 10, 4, 0)));
    assertTrue(withHandle <= 48, withHandle + " bytes per admitted request");
  }
}
