package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.security.KeyLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitSettingsTest {

  private static LimitSettings read(String hocon) {
    Config c = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference());
    return LimitSettings.fromConfig(c);
  }

  @Test
  void referenceConfLimitsNothing() {
    LimitSettings s = LimitSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(LimitSettings.NONE, s);
    assertEquals(KeyLimits.NONE, s.forTenant("anyone"));
    assertEquals(Duration.ofMinutes(10), s.forgetAfter());
    assertFalse(s.divideUploads());
  }

  @Test
  void tenantBlocksTakeMissingKeysFromTheDefault() {
    LimitSettings s =
        read(
            "modelfleet.security.tenant-limits {\n"
                + "  default { requests-per-second = 50, burst = 100, upload-bytes-per-day = 1 GiB }\n"
                + "  tenants {\n"
                + "    \"team-a\" { requests-per-second = 2.5, max-in-flight = 4 }\n"
                + "    \"org.b\" { burst = 7 }\n"
                + "  }\n"
                + "}\n"
                + "modelfleet.security.limits { forget-after = 30s, divide-uploads = on }");
    assertEquals(new KeyLimits(50, 100, 0, 1L << 30), s.forTenant("other"));
    assertEquals(new KeyLimits(2.5, 100, 4, 1L << 30), s.forTenant("team-a"));
    assertEquals(new KeyLimits(50, 7, 0, 1L << 30), s.forTenant("org.b"));
    assertEquals(
        Map.of("team-a", s.forTenant("team-a"), "org.b", s.forTenant("org.b")), s.tenants());
    assertEquals(Duration.ofSeconds(30), s.forgetAfter());
    assertTrue(s.divideUploads());
  }

  @Test
  void negativeLimitsAreRefusedNamingTheBlock() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> read("modelfleet.security.tenant-limits.tenants.x.max-in-flight = -1"));
    assertTrue(e.getMessage().contains("tenant-limits.tenants.x"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> read("modelfleet.security.tenant-limits.tenants.x = 5"));
    assertThrows(
        IllegalArgumentException.class, () -> read("modelfleet.security.limits.forget-after = 0s"));
  }
}
