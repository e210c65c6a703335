package io.modelfleet.ops.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.usage.UsageDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A flush that fails keeps its deltas; the next one that succeeds writes them once. */
class UsageFlusherTest {

  @Test
  void failedFlushesLoseNothingAndCountNothingTwice() {
    UsageMeter meter = new UsageMeter(60_000, 10_000, 100, System::currentTimeMillis);
    List<UsageDelta> stored = new ArrayList<>();
    AtomicBoolean down = new AtomicBoolean(true);
    UsageFlusher flusher =
        new UsageFlusher(
            meter,
            deltas -> {
              if (down.get()) {
                throw new IllegalStateException("database unreachable");
              }
              stored.addAll(deltas);
            });
    assertTrue(flusher.flush(), "nothing to flush");
    meter.inferred(UsageMeterTest.ok("k1", "acme", "m", 2, "cpu"));
    assertFalse(flusher.flush());
    meter.inferred(UsageMeterTest.ok("k1", "acme", "m", 3, "cpu"));
    assertFalse(flusher.flush());
    down.set(false);
    assertTrue(flusher.flush());
    assertTrue(flusher.flush());
    assertEquals(1, stored.size());
    assertEquals(2, stored.get(0).requests());
    assertEquals(5, stored.get(0).rows());
  }
}
