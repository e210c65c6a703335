package io.modelfleet.gateway.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket refilled at {@code rate} tokens per second and holding at most {@code capacity},
 * starting full. Kept as one number, the time at which the bucket will be full again (the generic
 * cell rate algorithm's "theoretical arrival time"), so that a take is one compare-and-set on one
 * {@link AtomicLong}: no lock, no allocation, and exactly the token bucket's answers. Each token
 * taken pushes that time one refill interval on; a take is refused when it would push it more than
 * {@code capacity} intervals past now.
 *
 * <p>Times are {@link System#nanoTime()} readings passed in by the caller, so tests drive a fake
 * clock; they are compared by difference, as nanoTime values must be.
 */
public final class TokenBucket {

  /** An interval longer than this (a rate below one token in ~11 days) is treated as this. */
  private static final long MAX_INTERVAL_NANOS = 1_000_000_000_000_000L;

  /** Keeps {@code now + span} far from overflow. */
  private static final long MAX_SPAN_NANOS = Long.MAX_VALUE / 4;

  /** The state before the first take: full. */
  private static final long FULL = Long.MIN_VALUE;

  private final double rate;
  private final int capacity;
  private final long intervalNanos;
  private final long spanNanos;
  private final AtomicLong fullAt = new AtomicLong(FULL);

  /**
   * @param rate tokens added per second; must be positive
   * @param capacity most tokens held, the burst; at least 1
   */
  public TokenBucket(double rate, int capacity) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("a token bucket's rate must be positive, got " + rate);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "a token bucket's capacity must be at least 1, got " + capacity);
    }
    this.rate = rate;
    this.capacity = capacity;
    this.intervalNanos = Math.max(1, Math.min(MAX_INTERVAL_NANOS, Math.round(1e9 / rate)));
    this.spanNanos =
        intervalNanos > MAX_SPAN_NANOS / capacity ? MAX_SPAN_NANOS : intervalNanos * capacity;
  }

  /**
   * Takes one token if there is one.
   *
   * @return 0 when the token was taken, else the nanoseconds until one will be available (nothing
   *     is taken then)
   */
  public long tryTake(long nowNanos) {
    while (true) {
      long current = fullAt.get();
      long from = current == FULL || current - nowNanos < 0 ? nowNanos : current;
      long next = from + intervalNanos;
      long ahead = next - nowNanos;
      if (ahead > spanNanos) {
        return ahead - spanNanos;
      }
      if (fullAt.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  /**
   * Puts back one token taken by {@link #tryTake} for a request that was then refused for another
   * reason, so that the refusal costs the client nothing. Never fills the bucket past full.
   */
  public void giveBack(long nowNanos) {
    while (true) {
      long current = fullAt.get();
      if (current == FULL || current - nowNanos <= 0) {
        return;
      }
      if (fullAt.compareAndSet(current, current - intervalNanos)) {
        return;
      }
    }
  }

  /** Whether the bucket holds {@code capacity} tokens at {@code nowNanos}. */
  public boolean isFull(long nowNanos) {
    long current = fullAt.get();
    return current == FULL || current - nowNanos <= 0;
  }

  /** Whole tokens available at {@code nowNanos}. */
  public int available(long nowNanos) {
    long current = fullAt.get();
    if (current == FULL || current - nowNanos <= 0) {
      return capacity;
    }
    return (int) Math.max(0, (spanNanos - (current - nowNanos)) / intervalNanos);
  }

  public double rate() {
    return rate;
  }

  public int capacity() {
    return capacity;
  }
}
