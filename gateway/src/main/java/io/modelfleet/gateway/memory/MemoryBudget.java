package io.modelfleet.gateway.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A pool of bytes that requests in flight draw from, first come first served. The decision only: no
 * clock, no threads; {@link BodyAdmission} adds the waiting time and the HTTP answers.
 *
 * <p>States of one acquisition, and who moves it:
 *
 * <pre>
 *   acquire ──fits, nobody queued──▶ GRANTED (future done, bytes charged)
 *      └──otherwise──▶ QUEUED ──release makes room, in FIFO order──▶ GRANTED
 *                         └──cancel (the waiter gave up)──▶ GONE (never charged)
 *   GRANTED ──release(bytes)──▶ bytes back in the pool
 * </pre>
 *
 * <p>All state is guarded by this object's lock. Futures are completed after the lock is released,
 * so a caller's continuation never runs while the budget is locked.
 */
public final class MemoryBudget {

  private record Waiter(long bytes, CompletableFuture<Void> granted) {}

  private final long capacity;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private long used;

  public MemoryBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("a memory budget must be positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes granted and not yet released. */
  public synchronized long used() {
    return used;
  }

  /** Acquisitions waiting for room. */
  public synchronized int waiting() {
    return queue.size();
  }

  /**
   * Bytes for a new request: granted at once when they fit and nobody waits ahead (or when they are
   * none), otherwise queued. The caller must {@link #cancel} the future if it stops waiting.
   *
   * @throws IllegalArgumentException when {@code bytes} is negative or more than the whole budget
   *     (it could never be granted)
   */
  public CompletableFuture<Void> acquire(long bytes) {
    checkFits(bytes);
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      // Nothing asked, nothing to wait for: an empty body never queues behind large ones.
      if (bytes == 0 || (queue.isEmpty() && used + bytes <= capacity)) {
        used += bytes;
      } else {
        queue.add(new Waiter(bytes, f));
        return f;
      }
    }
    f.complete(null);
    return f;
  }

  /**
   * More bytes for a request already admitted (its decoded tensors, a chunk of its body): granted
   * only if they fit now. It may pass queued requests: finishing admitted work is what frees room.
   */
  /**
   * {@code bytes} for a new request if they fit now and nobody is queued before it (the same rule
   * as {@link #acquire}, without queueing): the fast path of a body that has already arrived.
   */
  public synchronized boolean tryAcquireFirst(long bytes) {
    checkFits(bytes);
    if (bytes == 0 || (queue.isEmpty() && used + bytes <= capacity)) {
      used += bytes;
      return true;
    }
    return false;
  }

  public synchronized boolean tryAcquire(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative reservation " + bytes);
    }
    if (used + bytes > capacity) {
      return false;
    }
    used += bytes;
    return true;
  }

  /**
   * Stops waiting for {@code pending}.
   *
   * @return true when it was still queued (nothing was charged); false when it had already been
   *     granted, and the caller owns its bytes and must release them
   */
  public synchronized boolean cancel(CompletableFuture<Void> pending) {
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      if (it.next().granted() == pending) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  /** Gives {@code bytes} back and grants queued acquisitions, oldest first, while they fit. */
  public void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    List<CompletableFuture<Void>> granted = new ArrayList<>();
    synchronized (this) {
      if (bytes < 0 || bytes > used) {
        throw new IllegalStateException(
            "releasing " + bytes + " bytes but " + used + " are in use");
      }
      used -= bytes;
      while (!queue.isEmpty() && used + queue.peek().bytes() <= capacity) {
        Waiter w = queue.poll();
        used += w.bytes();
        granted.add(w.granted());
      }
    }
    granted.forEach(f -> f.complete(null));
  }

  private void checkFits(long bytes) {
    if (bytes < 0 || bytes > capacity) {
      throw new IllegalArgumentException(bytes + " bytes can never fit a budget of " + capacity);
    }
  }
}
