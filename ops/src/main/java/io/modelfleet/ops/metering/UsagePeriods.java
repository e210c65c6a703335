package io.modelfleet.ops.metering;

/**
 * Metering periods: fixed lengths that divide a day, counted from the epoch, so that every period
 * starts at a whole multiple of its length in UTC (a 1-minute period at :00 seconds, a 1-hour one
 * on the hour, a 1-day one at 00:00Z) on every node alike.
 */
public final class UsagePeriods {
  private UsagePeriods() {}

  /** The start of the period that holds {@code epochMillis}. */
  public static long start(long epochMillis, long periodMillis) {
    return Math.floorDiv(epochMillis, periodMillis) * periodMillis;
  }
}
