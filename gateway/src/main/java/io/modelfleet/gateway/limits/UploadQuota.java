package io.modelfleet.gateway.limits;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes uploaded per UTC day, with a limit. An upload reserves its size before its body is read
 * (when the Content-Length is known), so two uploads at once cannot both pass a nearly used quota,
 * and settles the reservation with the bytes actually stored when it ends (a failed upload settles
 * 0). At 00:00 UTC the count starts again.
 *
 * <p>Uploads are rare and large, so one lock per quota is plenty; the limit is a field so it may
 * change (a key's limits edited) without losing the day's count.
 */
public final class UploadQuota {

  static final long DAY_MILLIS = 86_400_000L;

  private long day = Long.MIN_VALUE; // guarded by this
  private long used; // guarded by this
  private long limit; // guarded by this

  /**
   * @param limit most bytes per UTC day; 0 = no limit (only counted)
   */
  public UploadQuota(long limit) {
    setLimit(limit);
  }

  public synchronized void setLimit(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("an upload quota must not be negative, got " + limit);
    }
    this.limit = limit;
  }

  public synchronized long limit() {
    return limit;
  }

  /** Bytes counted on the UTC day of {@code nowMillis}. */
  public synchronized long used(long nowMillis) {
    roll(nowMillis);
    return used;
  }

  /**
   * Reserves {@code bytes} on today's count unless that would pass the limit.
   *
   * @param bytes the upload's Content-Length, or a negative number when it is unknown: then nothing
   *     is reserved and the upload is refused only when today's quota is used up already
   * @return the reservation, or null when refused (nothing counted)
   */
  public synchronized Reservation reserve(long bytes, long nowMillis) {
    roll(nowMillis);
    long asked = Math.max(0, bytes);
    if (limit > 0 && (bytes < 0 ? used >= limit : asked > limit - used)) {
      return null;
    }
    used += asked;
    return new Reservation(this, day, asked);
  }

  /** Whether the last count is of a day before {@code nowMillis}'s (the entry can be forgotten). */
  synchronized boolean stale(long nowMillis) {
    return day != utcDay(nowMillis);
  }

  private synchronized void adjust(long onDay, long delta) {
    if (onDay == day) {
      used = Math.max(0, used + delta);
    }
  }

  private void roll(long nowMillis) {
    long today = utcDay(nowMillis);
    if (today != day) {
      day = today;
      used = 0;
    }
  }

  /** The UTC day number (days since 1970-01-01) of an epoch-millisecond time. */
  public static long utcDay(long nowMillis) {
    return Math.floorDiv(nowMillis, DAY_MILLIS);
  }

  /** Milliseconds from {@code nowMillis} to the next 00:00 UTC, when quotas start again. */
  public static long millisToNextDay(long nowMillis) {
    return (utcDay(nowMillis) + 1) * DAY_MILLIS - nowMillis;
  }

  /**
   * Bytes reserved for one upload. {@link #settle} replaces them by the bytes actually stored,
   * once; a reservation made before midnight changes nothing after it (the new day starts at 0).
   */
  public static final class Reservation {
    private final UploadQuota quota;
    private final long day;
    private final long reserved;
    private final AtomicBoolean settled = new AtomicBoolean();

    private Reservation(UploadQuota quota, long day, long reserved) {
      this.quota = quota;
      this.day = day;
      this.reserved = reserved;
    }

    public long reserved() {
      return reserved;
    }

    /**
     * Counts {@code actualBytes} instead of the reserved bytes: more when the body was longer than
     * announced (or had no length), fewer or 0 when it was shorter or the upload failed. Only the
     * first call counts.
     */
    public void settle(long actualBytes) {
      if (settled.compareAndSet(false, true)) {
        quota.adjust(day, Math.max(0, actualBytes) - reserved);
      }
    }
  }
}
