package io.modelfleet.ops.metering;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code modelfleet.ops.metering} settings; see reference.conf for meanings and defaults.
 *
 * @param enabled whether inferences are metered and {@code /v1/usage} answers
 * @param period the length of a metering period; divides a day, so periods align to UTC days
 * @param flushInterval how often the node writes what it metered to the database
 * @param maxEntries distinct (period, tenant, key, model, version, device) entries held in memory
 * @param queryMaxRange the longest from-to range one query may cover
 * @param queryMaxRows the most groups one query may return
 */
public record MeteringSettings(
    boolean enabled,
    Duration period,
    Duration flushInterval,
    int maxEntries,
    Duration queryMaxRange,
    int queryMaxRows) {

  private static final String PREFIX = "modelfleet.ops.metering.";
  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  public MeteringSettings {
    long p = period.toMillis();
    if (p < 1000 || DAY_MS % p != 0) {
      throw new IllegalArgumentException(
          PREFIX
              + "period must be at least 1s and divide a day evenly (1m, 5m, 15m, 1h, 1d), got "
              + period);
    }
    if (flushInterval.toMillis() < 100) {
      throw new IllegalArgumentException(
          PREFIX + "flush-interval must be at least 100ms, got " + flushInterval);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          PREFIX + "max-entries must be at least 1, got " + maxEntries);
    }
    if (queryMaxRange.toMillis() < p) {
      throw new IllegalArgumentException(
          PREFIX + "query-max-range must be at least one period, got " + queryMaxRange);
    }
    if (queryMaxRows < 1) {
      throw new IllegalArgumentException(
          PREFIX + "query-max-rows must be at least 1, got " + queryMaxRows);
    }
  }

  public static MeteringSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.ops.metering");
    return new MeteringSettings(
        c.getBoolean("enabled"),
        c.getDuration("period"),
        c.getDuration("flush-interval"),
        c.getInt("max-entries"),
        c.getDuration("query-max-range"),
        c.getInt("query-max-rows"));
  }
}
