package io.modelfleet.node.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelfleet.node.batching.BatchQueue.Decision;
import io.modelfleet.node.batching.BatchQueue.Idle;
import io.modelfleet.node.batching.BatchQueue.Offer;
import io.modelfleet.node.batching.BatchQueue.Run;
import io.modelfleet.node.batching.BatchQueue.Wait;
import io.modelfleet.protocol.model.BatchingSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchQueueTest {
  private static final long NONE = Long.MAX_VALUE;
  private static final String K = "k";

  private static BatchQueue<String> queue(
      int max, boolean dynamic, List<Integer> preferred, long delayMicros, int size) {
    return new BatchQueue<>(new BatchingSpec(max, dynamic, preferred, delayMicros, size));
  }

  /** A batching queue: max 8 rows, 100 µs delay, no preferred sizes. */
  private static BatchQueue<String> batching() {
    return queue(8, true, List.of(), 100, 1024);
  }

  private static void add(BatchQueue<String> q, String item, int rows, long now) {
    assertEquals(Offer.ACCEPTED, q.offer(item, K, rows, 0, NONE, now));
  }

  private static List<String> run(Decision<String> d) {
    if (d instanceof Run<String> r) {
      return r.items();
    }
    return fail("expected Run, got " + d);
  }

  private static long waitNanos(Decision<String> d) {
    if (d instanceof Wait<String> w) {
      return w.nanos();
    }
    return fail("expected Wait, got " + d);
  }

  @Test
  void emptyQueueIsIdle() {
    Decision<String> d = batching().poll(0);
    assertInstanceOf(Idle.class, d);
    assertEquals(List.of(), d.expired());
  }

  @Test
  void priorityOneBeforeTwoBeforeDefaultAndFifoWithin() {
    BatchQueue<String> q = queue(8, false, List.of(), 0, 1024);
    String[][] arrivals = {
      {"a", "0"}, {"b", "2"}, {"c", "1"}, {"d", "2"}, {"e", "1"}, {"f", "0"}, {"g", "3"}
    };
    for (String[] a : arrivals) {
      assertEquals(Offer.ACCEPTED, q.offer(a[0], K, 1, Integer.parseInt(a[1]), NONE, 0));
    }
    List<String> order = new ArrayList<>();
    for (Decision<String> d = q.poll(0); d instanceof Run<String> r; d = q.poll(0)) {
      order.addAll(r.items());
    }
    assertEquals(List.of("c", "e", "b", "d", "g", "a", "f"), order);
  }

  @Test
  void aFullQueueRefusesUntilSomethingLeaves() {
    BatchQueue<String> q = queue(8, false, List.of(), 0, 2);
    add(q, "a", 1, 0);
    add(q, "b", 1, 0);
    assertEquals(Offer.QUEUE_FULL, q.offer("c", K, 1, 1, NONE, 0));
    assertEquals(2, q.size());
    assertEquals(List.of("a"), run(q.poll(0)));
    add(q, "c", 1, 0);
  }

  @Test
  void moreRowsThanTheMaximumIsRefused() {
    BatchQueue<String> q = batching();
    assertEquals(Offer.TOO_LARGE, q.offer("big", K, 9, 0, NONE, 0));
    assertEquals(0, q.size());
    add(q, "fits", 8, 0);
    assertEquals(List.of("fits"), run(q.poll(0)));
  }

  @Test
  void anUnbatchedModelTakesAnyRowCountOneAtATime() {
    BatchQueue<String> q = new BatchQueue<>(BatchingSpec.NONE);
    add(q, "a", 100, 0);
    add(q, "b", 3, 0);
    assertEquals(List.of("a"), run(q.poll(0)));
    assertEquals(List.of("b"), run(q.poll(0)));
  }

  @Test
  void dynamicOffRunsEachRequestAloneAtOnce() {
    BatchQueue<String> q = queue(8, false, List.of(), 1_000_000, 1024);
    add(q, "a", 1, 0);
    add(q, "b", 1, 0);
    assertEquals(List.of("a"), run(q.poll(0)));
    assertEquals(List.of("b"), run(q.poll(0)));
    assertInstanceOf(Idle.class, q.poll(0));
  }

  @Test
  void firesAsSoonAsTheMaximumIsReached() {
    BatchQueue<String> q = queue(4, true, List.of(), 100, 1024);
    add(q, "a", 1, 0);
    add(q, "b", 1, 10_000);
    assertEquals(85_000, waitNanos(q.poll(15_000)));
    add(q, "c", 2, 20_000);
    assertEquals(List.of("a", "b", "c"), run(q.poll(20_000)));
    assertEquals(0, q.size());
  }

  @Test
  void firesAtAPreferredSizeTakingTheLargestReachable() {
    BatchQueue<String> q = queue(8, true, List.of(2, 4, 16), 1_000, 1024);
    for (String s : List.of("a", "b", "c", "d", "e")) {
      add(q, s, 1, 0);
    }
    // 2 and 4 are both reachable; 16 is over the maximum and ignored.
    assertEquals(List.of("a", "b", "c", "d"), run(q.poll(0)));
    assertEquals(1_000_000, waitNanos(q.poll(0)));
    add(q, "f", 1, 5);
    assertEquals(List.of("e", "f"), run(q.poll(5)));
  }

  @Test
  void aPreferredSizeNeedsAnExactPrefix() {
    BatchQueue<String> q = queue(8, true, List.of(4), 100, 1024);
    add(q, "a", 3, 0);
    add(q, "b", 2, 0);
    // 3 then 5 rows: 4 is never made exactly, so the batch waits out the delay.
    assertEquals(100_000, waitNanos(q.poll(0)));
    assertEquals(List.of("a", "b"), run(q.poll(100_000)));
  }

  @Test
  void firesAPartialBatchWhenTheHeadHasWaitedTheDelay() {
    BatchQueue<String> q = batching();
    add(q, "a", 3, 1_000);
    add(q, "b", 2, 41_000);
    assertEquals(50_000, waitNanos(q.poll(51_000)));
    assertEquals(1, waitNanos(q.poll(100_999)));
    assertEquals(List.of("a", "b"), run(q.poll(101_000)));
  }

  @Test
  void zeroDelayFiresWhateverIsQueued() {
    BatchQueue<String> q = queue(8, true, List.of(), 0, 1024);
    add(q, "a", 1, 0);
    add(q, "b", 2, 0);
    assertEquals(List.of("a", "b"), run(q.poll(0)));
  }

  @Test
  void aBatchThatCannotGrowFiresWithoutWaiting() {
    BatchQueue<String> q = queue(4, true, List.of(), 100, 1024);
    add(q, "a", 3, 0);
    add(q, "b", 2, 0);
    add(q, "c", 1, 0);
    // b would overflow; c is not taken past it, so b is not overtaken by a smaller request.
    assertEquals(List.of("a"), run(q.poll(0)));
    assertEquals(List.of("b", "c"), waitThenRun(q, 0));
  }

  private static List<String> waitThenRun(BatchQueue<String> q, long now) {
    long wait = waitNanos(q.poll(now));
    return run(q.poll(now + wait));
  }

  @Test
  void waitsOnlyUntilTheNearestDeadlinePasses() {
    BatchQueue<String> q = batching();
    add(q, "head", 1, 0);
    assertEquals(Offer.ACCEPTED, q.offer("hurried", K, 1, 0, 30_000, 5_000));
    // A request may still start at its deadline; it is expired one nanosecond later.
    assertEquals(20_001, waitNanos(q.poll(10_000)));
    Decision<String> d = q.poll(30_000);
    assertEquals(List.of(), d.expired());
    d = q.poll(30_001);
    assertEquals(List.of("hurried"), d.expired());
    assertEquals(69_999, waitNanos(d));
    assertEquals(List.of("head"), run(q.poll(100_000)));
  }

  @Test
  void expiredRequestsAreReportedOnceAndNeverRun() {
    BatchQueue<String> q = queue(8, true, List.of(), 0, 1024);
    q.offer("a", K, 1, 0, 50, 0);
    q.offer("b", K, 1, 0, NONE, 0);
    q.offer("c", K, 1, 1, 10, 0);
    q.offer("d", K, 1, 0, 60, 0);
    Decision<String> d = q.poll(55);
    assertEquals(List.of("c", "a"), d.expired());
    assertEquals(List.of("b", "d"), run(d));
    d = q.poll(1_000);
    assertInstanceOf(Idle.class, d);
    assertEquals(List.of(), d.expired());
  }

  @Test
  void expireAloneLeavesTheRestQueued() {
    BatchQueue<String> q = batching();
    q.offer("a", K, 1, 0, 5, 0);
    q.offer("b", K, 1, 0, NONE, 0);
    assertEquals(List.of("a"), q.expire(6));
    assertEquals(1, q.size());
  }

  @Test
  void incompatibleRequestsNeverShareABatch() {
    BatchQueue<String> q = queue(8, true, List.of(), 0, 1024);
    q.offer("a1", "A", 1, 0, NONE, 0);
    q.offer("b1", "B", 1, 0, NONE, 0);
    q.offer("a2", "A", 1, 0, NONE, 0);
    q.offer("alone", null, 1, 0, NONE, 0);
    q.offer("b2", "B", 1, 0, NONE, 0);
    assertEquals(List.of("a1", "a2"), run(q.poll(0)));
    assertEquals(List.of("b1", "b2"), run(q.poll(0)));
    assertEquals(List.of("alone"), run(q.poll(0)));
  }

  @Test
  void anUnbatchableHeadRunsAloneWithoutWaiting() {
    BatchQueue<String> q = batching();
    q.offer("scalar", null, 0, 0, NONE, 0);
    add(q, "a", 1, 0);
    assertEquals(List.of("scalar"), run(q.poll(0)));
    assertEquals(100_000, waitNanos(q.poll(0)));
  }

  @Test
  void aLaterHigherPriorityRequestLeadsTheBatch() {
    BatchQueue<String> q = queue(2, true, List.of(), 100, 1024);
    add(q, "low", 1, 0);
    q.offer("other", "B", 1, 1, NONE, 10);
    q.offer("urgent", K, 1, 1, NONE, 20);
    // "other" is the head: it waits its own delay, and K's requests wait behind it.
    assertEquals(100_000, waitNanos(q.poll(10)));
    assertEquals(List.of("other"), run(q.poll(100_010)));
    assertEquals(List.of("urgent", "low"), run(q.poll(100_010)));
  }

  @Test
  void drainAllHandsOverEverythingInOrder() {
    BatchQueue<String> q = batching();
    add(q, "a", 1, 0);
    q.offer("b", K, 1, 1, NONE, 0);
    List<String> failed = new ArrayList<>();
    q.drainAll(failed::add);
    assertEquals(List.of("b", "a"), failed);
    assertEquals(0, q.size());
    assertInstanceOf(Idle.class, q.poll(0));
  }
}
