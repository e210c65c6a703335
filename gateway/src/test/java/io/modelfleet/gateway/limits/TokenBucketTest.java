package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /** An arbitrary nanoTime reading, negative like many real ones. */
  private static final long T0 = -123_456_789_000L;

  @Test
  void aFullBucketLetsTheBurstThroughThenTellsHowLongToWait() {
    TokenBucket b = new TokenBucket(2, 3);
    assertEquals(0, b.tryTake(T0));
    assertEquals(0, b.tryTake(T0));
    assertEquals(0, b.tryTake(T0));
    assertEquals(500 * MS, b.tryTake(T0));
    assertEquals(400 * MS, b.tryTake(T0 + 100 * MS), "a refusal takes nothing");
  }

  @Test
  void tokensComeBackAtTheRate() {
    TokenBucket b = new TokenBucket(2, 3);
    for (int i = 0; i < 3; i++) {
      b.tryTake(T0);
    }
    assertEquals(0, b.tryTake(T0 + 500 * MS));
    assertEquals(500 * MS, b.tryTake(T0 + 500 * MS));
    assertEquals(1, b.available(T0 + 1000 * MS));
    assertEquals(0, b.tryTake(T0 + 1000 * MS));
  }

  @Test
  void aLongQuietSpellRefillsToTheCapacityAndNoFurther() {
    TokenBucket b = new TokenBucket(10, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, b.tryTake(T0));
    }
    assertFalse(b.isFull(T0));
    long later = T0 + 3600 * S;
    assertTrue(b.isFull(later));
    assertEquals(5, b.available(later));
    for (int i = 0; i < 5; i++) {
      assertEquals(0, b.tryTake(later));
    }
    assertEquals(100 * MS, b.tryTake(later));
  }

  @Test
  void sustainedRateIsTheRefillRate() {
    TokenBucket b = new TokenBucket(100, 10);
    int admitted = 0;
    // One attempt every millisecond for 10 s: the burst plus 100 per second.
    for (long t = 0; t < 10_000; t++) {
      if (b.tryTake(T0 + t * MS) == 0) {
        admitted++;
      }
    }
    assertEquals(10 + 999, admitted, 2);
  }

  @Test
  void fractionalRatesWaitWholeIntervals() {
    TokenBucket b = new TokenBucket(0.5, 1);
    assertEquals(0, b.tryTake(T0));
    assertEquals(2 * S, b.tryTake(T0));
    assertEquals(0, b.tryTake(T0 + 2 * S));
  }

  @Test
  void aGivenBackTokenCanBeTakenAgainButNeverOverfills() {
    TokenBucket b = new TokenBucket(1, 2);
    b.giveBack(T0);
    assertEquals(2, b.available(T0));
    b.tryTake(T0);
    b.tryTake(T0);
    assertEquals(0, b.available(T0));
    b.giveBack(T0);
    assertEquals(1, b.available(T0));
    assertEquals(0, b.tryTake(T0));
  }

  @Test
  void tinyRatesAndHugeBurstsDoNotOverflow() {
    TokenBucket slow = new TokenBucket(1e-12, Integer.MAX_VALUE);
    assertEquals(0, slow.tryTake(T0));
    TokenBucket fast = new TokenBucket(1e12, 1);
    assertEquals(0, fast.tryTake(T0));
    assertEquals(1, fast.tryTake(T0));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
  }

  @Test
  void concurrentTakersGetExactlyTheCapacity() throws Exception {
    TokenBucket b = new TokenBucket(1, 5_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> counts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        counts.add(
            pool.submit(
                () -> {
                  int got = 0;
                  for (int j = 0; j < 10_000; j++) {
                    if (b.tryTake(T0) == 0) {
                      got++;
                    }
                  }
                  return got;
                }));
      }
      int total = 0;
      for (Future<Integer> f : counts) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(5_000, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertEquals(1, Refused.retryAfterSeconds(0));
    assertEquals(1, Refused.retryAfterSeconds(1));
    assertEquals(1, Refused.retryAfterSeconds(S));
    assertEquals(2, Refused.retryAfterSeconds(S + 1));
    assertEquals(3, Refused.retryAfterSeconds(2500 * MS));
    assertEquals(86_400, Refused.retryAfterSeconds(86_400 * S));
  }
}
