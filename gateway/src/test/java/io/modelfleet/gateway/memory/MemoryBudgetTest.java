package io.modelfleet.gateway.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admission decisions, without HTTP. */
class MemoryBudgetTest {

  @Test
  void theFastPathTakesRoomOnlyWhenNobodyIsQueued() {
    MemoryBudget b = new MemoryBudget(100);
    assertTrue(b.tryAcquireFirst(60));
    assertFalse(b.tryAcquireFirst(50), "does not fit");
    var queued = b.acquire(50);
    assertFalse(queued.isDone());
    assertFalse(b.tryAcquireFirst(10), "10 bytes fit, but a queued request comes first");
    b.release(60);
    assertTrue(queued.isDone(), "the queued request got the room");
    assertTrue(b.tryAcquireFirst(10));
    assertEquals(60, b.used());
  }

  @Test
  void grantsWhatFitsAndQueuesTheRestInOrder() {
    MemoryBudget b = new MemoryBudget(100);
    CompletableFuture<Void> a = b.acquire(60);
    CompletableFuture<Void> c = b.acquire(50);
    CompletableFuture<Void> d = b.acquire(10);
    assertTrue(a.isDone());
    assertFalse(c.isDone());
    assertFalse(d.isDone(), "a small request does not pass one that waits ahead of it");
    assertEquals(60, b.used());
    b.release(60);
    assertTrue(c.isDone());
    assertTrue(d.isDone());
    assertEquals(60, b.used());
    assertEquals(0, b.waiting());
  }

  @Test
  void anEmptyRequestNeverWaits() {
    MemoryBudget b = new MemoryBudget(100);
    b.acquire(90);
    assertFalse(b.acquire(20).isDone());
    assertTrue(b.acquire(0).isDone());
  }

  @Test
  void aCancelledWaiterIsNeverCharged() {
    MemoryBudget b = new MemoryBudget(100);
    b.acquire(100);
    CompletableFuture<Void> w = b.acquire(1);
    assertTrue(b.cancel(w));
    b.release(100);
    assertEquals(0, b.used());
    assertFalse(w.isDone());
  }

  @Test
  void cancellingAfterTheGrantLeavesTheBytesToTheCaller() {
    MemoryBudget b = new MemoryBudget(100);
    b.acquire(100);
    CompletableFuture<Void> w = b.acquire(30);
    b.release(100);
    assertFalse(b.cancel(w), "already granted");
    assertEquals(30, b.used());
  }

  @Test
  void tryAcquireTakesOnlyWhatFitsNow() {
    MemoryBudget b = new MemoryBudget(100);
    assertTrue(b.tryAcquire(70));
    assertFalse(b.tryAcquire(31));
    assertTrue(b.tryAcquire(30));
    assertEquals(100, b.used());
  }

  @Test
  void misuseIsRefused() {
    MemoryBudget b = new MemoryBudget(100);
    assertThrows(IllegalArgumentException.class, () -> b.acquire(101));
    assertThrows(IllegalStateException.class, () -> b.release(1));
    assertThrows(IllegalArgumentException.class, () -> new MemoryBudget(0));
  }

  @Test
  void randomUseNeverOverdrawsAndLeaksNothing() {
    MemoryBudget b = new MemoryBudget(1000);
    Random r = new Random(7);
    List<long[]> held = new ArrayList<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    List<Long> pendingBytes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      int op = r.nextInt(3);
      if (op == 0) {
        long n = r.nextInt(400);
        CompletableFuture<Void> f = b.acquire(n);
        pending.add(f);
        pendingBytes.add(n);
      } else if (op == 1 && !held.isEmpty()) {
        b.release(held.remove(r.nextInt(held.size()))[0]);
      } else if (!pending.isEmpty()) {
        int k = r.nextInt(pending.size());
        if (!b.cancel(pending.get(k)) && pending.get(k).isDone()) {
          held.add(new long[] {pendingBytes.get(k)});
        }
        pending.remove(k);
        pendingBytes.remove(k);
      }
      for (int k = pending.size() - 1; k >= 0; k--) {
        if (pending.get(k).isDone()) {
          held.add(new long[] {pendingBytes.get(k)});
          pending.remove(k);
          pendingBytes.remove(k);
        }
      }
      assertTrue(b.used() <= 1000);
      assertEquals(held.stream().mapToLong(h -> h[0]).sum(), b.used());
    }
    pending.forEach(b::cancel);
    held.forEach(h -> b.release(h[0]));
    assertEquals(0, b.used());
  }

  // --- BodyAdmission: the same budget with waiting and HTTP answers ---

  private static int status(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return ((ApiException) c).status();
  }

  @Test
  void aBodyThatCanNeverFitIs413AtOnce() {
    BodyAdmission a = new BodyAdmission(new MemoryBudget(100), Duration.ofSeconds(5));
    CompletionException e =
        assertThrows(CompletionException.class, () -> a.admit(101).toCompletableFuture().join());
    assertEquals(413, status(e));
    assertTrue(
        e.getCause().getMessage().contains("modelfleet.gateway.max-body-bytes-in-flight"),
        e.getMessage());
  }

  @Test
  void aBodyThatFindsNoRoomIs503AfterTheWaitAndHoldsNothing() throws Exception {
    BodyAdmission a = new BodyAdmission(new MemoryBudget(100), Duration.ofMillis(100));
    BodyAdmission.Ticket first = a.admit(80).toCompletableFuture().get(1, TimeUnit.SECONDS);
    CompletableFuture<BodyAdmission.Ticket> second = a.admit(30).toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, second::join);
    assertEquals(503, status(e));
    assertTrue(
        e.getCause().getMessage().contains("modelfleet.gateway.body-admission-wait"),
        e.getCause().getMessage());
    first.release();
    assertEquals(0, a.budget().used());
  }

  @Test
  void aWaitingBodyIsAdmittedWhenRoomIsMade() throws Exception {
    BodyAdmission a = new BodyAdmission(new MemoryBudget(100), Duration.ofSeconds(5));
    BodyAdmission.Ticket first = a.admit(80).toCompletableFuture().get(1, TimeUnit.SECONDS);
    CompletableFuture<BodyAdmission.Ticket> second = a.admit(30).toCompletableFuture();
    assertFalse(second.isDone());
    first.release();
    assertEquals(30, second.get(1, TimeUnit.SECONDS).held());
    second.get().release();
    assertEquals(0, a.budget().used());
  }

  @Test
  void decodedTensorsAreChargedToTheTicketAndReleasedWithIt() throws Exception {
    BodyAdmission a = new BodyAdmission(new MemoryBudget(100), Duration.ofSeconds(1));
    BodyAdmission.Ticket t = a.admit(40).toCompletableFuture().get(1, TimeUnit.SECONDS);
    t.reserve("input 'x'", 30);
    assertEquals(70, a.budget().used());
    BodyAdmission.Ticket other = a.admit(20).toCompletableFuture().get(1, TimeUnit.SECONDS);
    ApiException busy = assertThrows(ApiException.class, () -> t.reserve("input 'y'", 20));
    assertEquals(503, busy.status());
    ApiException never = assertThrows(ApiException.class, () -> t.reserve("input 'z'", 61));
    assertEquals(413, never.status());
    assertTrue(never.getMessage().contains("input 'z' decoded needs 61 more"), never.getMessage());
    ApiException response = assertThrows(ApiException.class, () -> t.reserveResponse(25));
    assertTrue(response.getMessage().contains("its response needs 25 more"), response.getMessage());
    t.release();
    t.release();
    other.release();
    assertEquals(0, a.budget().used());
    t.reserve("input 'late'", 10);
    assertEquals(0, a.budget().used(), "a charge after the release is given straight back");
  }

  @Test
  void theBudgetIsASizeOrAShareOfTheHeap() {
    var conf =
        ConfigFactory.parseString("modelfleet.gateway.max-body-bytes-in-flight = \"64 MiB\"");
    assertEquals(64L << 20, MemorySettings.budget("64 MiB", conf, 1000));
    assertEquals(250, MemorySettings.budget("25%", conf, 1000));
    assertThrows(IllegalArgumentException.class, () -> MemorySettings.budget("150%", conf, 1000));
    MemorySettings defaults = MemorySettings.fromConfig(ConfigFactory.load());
    assertEquals(Runtime.getRuntime().maxMemory() / 4, defaults.bodyBytesInFlight(), 1.0);
    assertEquals(Duration.ofSeconds(2), defaults.admissionWait());
    assertEquals(64L << 20, defaults.maxJsonResponseBytes());
  }
}
