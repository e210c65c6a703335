package io.modelfleet.ops.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Periods, device kinds and the settings' checks. */
class UsagePeriodsTest {

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void periodsStartOnWholeUtcMultiples() {
    long minute = 60_000;
    assertEquals(
        at("2025-03-01T10:07:00Z"), UsagePeriods.start(at("2025-03-01T10:07:59.999Z"), minute));
    assertEquals(
        at("2025-03-01T10:08:00Z"), UsagePeriods.start(at("2025-03-01T10:08:00Z"), minute));
    assertEquals(
        at("2025-03-01T10:00:00Z"), UsagePeriods.start(at("2025-03-01T10:59:00Z"), 3_600_000));
    assertEquals(
        at("2025-03-01T00:00:00Z"), UsagePeriods.start(at("2025-03-01T23:59:00Z"), 86_400_000));
    assertEquals(at("1969-12-31T23:59:00Z"), UsagePeriods.start(-1, minute), "before the epoch");
  }

  @Test
  void devicesAreChargedByKind() {
    assertEquals("cpu", DeviceKinds.of("cpu"));
    assertEquals("gpu", DeviceKinds.of("gpu:0"));
    assertEquals("gpu", DeviceKinds.of("gpu:7"));
    assertEquals("gpu", DeviceKinds.of("sim-gpu:1"));
    assertEquals("", DeviceKinds.of(""));
    assertEquals("", DeviceKinds.of(null));
    assertEquals("npu", DeviceKinds.of("npu:0"));
  }

  @Test
  void settingsAreReadAndChecked() {
    MeteringSettings s = MeteringSettings.fromConfig(ConfigFactory.load());
    assertEquals(Duration.ofMinutes(1), s.period());
    assertEquals(Duration.ofSeconds(10), s.flushInterval());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MeteringSettings(
                    true,
                    Duration.ofMinutes(7),
                    Duration.ofSeconds(10),
                    10,
                    Duration.ofDays(1),
                    10));
    assertEquals(
        "modelfleet.ops.metering.period must be at least 1s and divide a day evenly (1m, 5m, 15m,"
            + " 1h, 1d), got PT7M",
        e.getMessage());
  }
}
