package io.modelfleet.ops.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.InferenceRecord;
import io.modelfleet.protocol.usage.UsageDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Aggregation per key and period, flushed deltas, failed flushes, retirement and the bounds. */
class UsageMeterTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = Instant.parse("2025-03-01T10:00:30Z").toEpochMilli();

  private final AtomicLong clock = new AtomicLong(T0);
  private final UsageMeter meter = new UsageMeter(MINUTE, 10_000, 1000, clock::get);

  static InferenceRecord ok(String key, String tenant, String model, long rows, String device) {
    return new InferenceRecord(
        key, tenant, "client", model, "1", true, rows, 12 * rows, 8 * rows, 1000 * rows, device);
  }

  static InferenceRecord failed(String key, String tenant, String model) {
    return new InferenceRecord(key, tenant, "client", model, "", false, 1, 12, 0, 0, "");
  }

  private static List<UsageDelta> sorted(List<UsageDelta> deltas) {
    List<UsageDelta> out = new ArrayList<>(deltas);
    out.sort(Comparator.comparing(UsageDelta::toString));
    return out;
  }

  @Test
  void recordsOfOneKeyAddUpAndFailuresAreTheirOwnRow() {
    meter.inferred(ok("k1", "acme", "m", 2, "cpu"));
    meter.inferred(ok("k1", "acme", "m", 3, "cpu"));
    meter.inferred(failed("k1", "acme", "m"));
    meter.inferred(ok("k2", "globex", "m", 1, "gpu:1"));
    long period = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
    assertEquals(
        sorted(
            List.of(
                new UsageDelta(period, "acme", "k1", "m", "1", "cpu", 2, 0, 5, 60, 40, 5000),
                new UsageDelta(period, "acme", "k1", "m", "", "", 1, 1, 1, 12, 0, 0),
                new UsageDelta(period, "globex", "k2", "m", "1", "gpu", 1, 0, 1, 12, 8, 1000))),
        sorted(meter.pending().deltas()));
  }

  @Test
  void withoutAKeyTheCallersPrincipalIsTheKey() {
    meter.inferred(
        new InferenceRecord("", "default", "anonymous", "m", "1", true, 1, 4, 4, 10, "cpu"));
    assertEquals("anonymous", meter.pending().deltas().get(0).keyId());
  }

  @Test
  void aFlushTakesOnlyWhatCameSinceTheLastCommittedOne() {
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    UsageMeter.Pending first = meter.pending();
    // An add between taking the deltas and committing them goes with the next flush.
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    meter.flushed(first);
    List<UsageDelta> second = meter.pending().deltas();
    assertEquals(1, second.size());
    assertEquals(1, second.get(0).requests());
    meter.flushed(meter.pending());
    assertTrue(meter.pending().isEmpty());
  }

  @Test
  void aFailedFlushKeepsItsDeltasForTheNext() {
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    meter.pending(); // taken, never committed: the store failed
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    assertEquals(2, meter.pending().deltas().get(0).requests());
  }

  @Test
  void periodsAreUtcAlignedAndSeparate() {
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    clock.set(Instant.parse("2025-03-01T10:01:00Z").toEpochMilli());
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    List<Long> periods =
        meter.pending().deltas().stream().map(UsageDelta::periodStart).sorted().toList();
    assertEquals(
        List.of(
            Instant.parse("2025-03-01T10:00:00Z").toEpochMilli(),
            Instant.parse("2025-03-01T10:01:00Z").toEpochMilli()),
        periods);
  }

  @Test
  void endedPeriodsAreRetiredOnlyOnceFlushedAndPastTheGrace() {
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    clock.set(Instant.parse("2025-03-01T10:01:09Z").toEpochMilli());
    meter.flushed(meter.pending());
    assertEquals(1, meter.retire(), "within the grace after the period's end");
    clock.set(Instant.parse("2025-03-01T10:01:10Z").toEpochMilli());
    meter.inferred(ok("k1", "acme", "m", 1, "cpu")); // the new period's entry
    UsageMeter.Pending p = meter.pending();
    assertEquals(1, p.deltas().size());
    assertEquals(1, meter.retire(), "the old, flushed entry goes; the unflushed new one stays");
    meter.flushed(p);
    assertEquals(1, meter.retire(), "the current period stays");
  }

  @Test
  void unflushedEntriesOfEndedPeriodsAreNeverRetired() {
    meter.inferred(ok("k1", "acme", "m", 1, "cpu"));
    clock.addAndGet(10 * MINUTE);
    assertEquals(1, meter.retire());
    assertEquals(1, meter.pending().deltas().get(0).requests());
  }

  @Test
  void namesNoModelCanHaveAndModelsPastTheLimitAreCountedTogether() {
    UsageMeter small = new UsageMeter(MINUTE, 10_000, 2, clock::get);
    small.inferred(ok("k1", "acme", "../etc/passwd", 1, ""));
    small.inferred(ok("k1", "acme", "a", 1, "cpu"));
    small.inferred(ok("k1", "acme", "b", 1, "cpu"));
    small.inferred(ok("k1", "acme", "c", 1, "cpu"));
    List<String> models =
        small.pending().deltas().stream()
            .map(d -> d.model() + ":" + d.requests())
            .sorted()
            .toList();
    assertEquals(List.of("(invalid):1", "(other):2", "a:1"), models);
    assertEquals(3, small.size(), "the limit is soft by the one shared entry");
  }

  @Test
  void concurrentAddsAreCountedExactlyAcrossFlushes() throws Exception {
    int threads = 4;
    int perThread = 50_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      InferenceRecord r = ok("k" + (t % 2), "acme", "m", 1, "cpu");
      workers.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  meter.inferred(r);
                }
              }));
    }
    workers.forEach(Thread::start);
    long flushed = 0;
    boolean alive = true;
    while (alive) {
      UsageMeter.Pending p = meter.pending();
      flushed += p.deltas().stream().mapToLong(UsageDelta::requests).sum();
      meter.flushed(p);
      alive = workers.stream().anyMatch(Thread::isAlive);
      Thread.sleep(1);
    }
    for (Thread w : workers) {
      w.join();
    }
    flushed += meter.pending().deltas().stream().mapToLong(UsageDelta::requests).sum();
    assertEquals((long) threads * perThread, flushed);
  }

  @Test
  void costOfOneRecord() {
    // A JMH-free loop, printed, not asserted (machines differ): what the request path pays.
    InferenceRecord r = ok("k1", "acme", "m", 1, "cpu");
    for (int i = 0; i < 200_000; i++) {
      meter.inferred(r);
    }
    int n = 2_000_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      meter.inferred(r);
    }
    long elapsed = System.nanoTime() - start;
    System.out.printf("METERING: %.0f ns per record (one thread)%n", (double) elapsed / n);
    assertEquals(2_200_000, meter.pending().deltas().get(0).requests());
  }
}
