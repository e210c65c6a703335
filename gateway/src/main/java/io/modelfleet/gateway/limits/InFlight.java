package io.modelfleet.gateway.limits;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests being served at once, with a limit. The limit may change while requests are in flight (a
 * key's limits edited, a gateway joining the cluster) without losing the count, so it is a field,
 * not part of the counter's identity.
 *
 * <p>{@link #tryAcquire()} and {@link #release()} are the raw pair for callers that guard the
 * release themselves (the {@link Limiter}'s {@link Admitted}); {@link #acquire()} hands out a
 * {@link Permit} whose release is idempotent, for a request that may end several ways at once
 * (completed, failed, its client gone).
 */
public final class InFlight {

  private final AtomicInteger count = new AtomicInteger();
  private volatile int limit;

  /**
   * @param limit most requests at once; 0 = no limit (only counted)
   */
  public InFlight(int limit) {
    setLimit(limit);
  }

  public void setLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("an in-flight limit must not be negative, got " + limit);
    }
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }

  /** Requests counted now. */
  public int current() {
    return count.get();
  }

  /** Counts one more request unless that would pass the limit; false then (nothing counted). */
  public boolean tryAcquire() {
    while (true) {
      int c = count.get();
      int max = limit;
      if (max > 0 && c >= max) {
        return false;
      }
      if (count.compareAndSet(c, c + 1)) {
        return true;
      }
    }
  }

  /** Counts one request less; exactly once per successful {@link #tryAcquire()}. */
  public void release() {
    count.decrementAndGet();
  }

  /** A permit for one more request, or null when the limit is reached. */
  public Permit acquire() {
    return tryAcquire() ? new Permit(this) : null;
  }

  /** One request's place; releasing it twice (or from two threads at once) counts once. */
  public static final class Permit {
    private static final VarHandle RELEASED;

    static {
      try {
        RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final InFlight owner;

    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    private Permit(InFlight owner) {
      this.owner = owner;
    }

    /** Gives the place back; later calls do nothing. */
    public void release() {
      if (RELEASED.compareAndSet(this, false, true)) {
        owner.release();
      }
    }
  }
}
