package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {

  @Test
  void theLimitIsHeldAndAPlaceComesBackOnRelease() {
    InFlight f = new InFlight(2);
    InFlight.Permit a = f.acquire();
    InFlight.Permit b = f.acquire();
    assertNotNull(a);
    assertNotNull(b);
    assertNull(f.acquire());
    a.release();
    assertNotNull(f.acquire());
  }

  @Test
  void releasingTwiceCountsOnce() {
    InFlight f = new InFlight(1);
    InFlight.Permit p = f.acquire();
    p.release();
    p.release();
    assertEquals(0, f.current());
    assertNotNull(f.acquire());
    assertNull(f.acquire(), "a double release must not make room for two");
  }

  @Test
  void zeroMeansCountedButUnlimited() {
    InFlight f = new InFlight(0);
    for (int i = 0; i < 1000; i++) {
      assertTrue(f.tryAcquire());
    }
    assertEquals(1000, f.current());
  }

  @Test
  void aLoweredLimitKeepsTheCount() {
    InFlight f = new InFlight(5);
    f.acquire();
    f.acquire();
    f.acquire();
    f.setLimit(2);
    assertFalse(f.tryAcquire());
    assertEquals(3, f.current());
  }

  @Test
  void eightThreadsOfTenThousandAcquireReleaseLeaveNothingBehind() throws Exception {
    InFlight f = new InFlight(4);
    AtomicInteger over = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int j = 0; j < 10_000; j++) {
                    InFlight.Permit p = f.acquire();
                    if (p != null) {
                      admitted.incrementAndGet();
                      if (f.current() > 4) {
                        over.incrementAndGet();
                      }
                      p.release();
                      p.release(); // a failure and a completion both release
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> d : done) {
        d.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, f.current());
    assertEquals(0, over.get(), "never more than the limit in flight");
    assertTrue(admitted.get() > 0);
  }

  @Test
  void onePermitReleasedFromEightThreadsAtOnceCountsOnce() throws Exception {
    InFlight f = new InFlight(0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 2_000; round++) {
        f.tryAcquire(); // someone else's request, still in flight
        InFlight.Permit p = f.acquire();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          done.add(
              pool.submit(
                  () -> {
                    go.await();
                    p.release();
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> d : done) {
          d.get(30, TimeUnit.SECONDS);
        }
        assertEquals(round + 1, f.current());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
