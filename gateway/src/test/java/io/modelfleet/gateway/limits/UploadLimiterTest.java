package io.modelfleet.gateway.limits;

import static io.modelfleet.gateway.limits.Keys.key;
import static io.modelfleet.gateway.limits.Keys.uploads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.limits.Refused.Kind;
import io.modelfleet.gateway.limits.Refused.Scope;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadLimiterTest {

  private static final long SIX_PM = Instant.parse("2025-03-01T18:00:00Z").toEpochMilli();
  private static final long NEXT_DAY = Instant.parse("2025-03-02T00:00:01Z").toEpochMilli();

  private static Limiter limiter(Map<String, KeyLimits> tenants, boolean divide, int gateways) {
    return new Limiter(
        new LimitSettings(KeyLimits.NONE, tenants, Duration.ofMinutes(10), divide), () -> gateways);
  }

  @Test
  void noQuotaAdmitsWithTheSharedHandle() {
    Limiter l = limiter(Map.of(), false, 1);
    assertSame(UploadAdmitted.FREE, l.admitUpload(key("k", "a", KeyLimits.NONE), 1 << 30, SIX_PM));
    assertEquals(0, l.trackedUploadQuotas());
  }

  @Test
  void theKeysQuotaRefusesUntilMidnightNamingTheKey() {
    Limiter l = limiter(Map.of(), false, 1);
    ApiKey k = key("k", "acme", uploads(1000));
    UploadAdmitted first = assertInstanceOf(UploadAdmitted.class, l.admitUpload(k, 700, SIX_PM));
    Refused r = assertInstanceOf(Refused.class, l.admitUpload(k, 400, SIX_PM));
    assertEquals(Scope.KEY, r.scope());
    assertEquals(Kind.UPLOAD_BYTES, r.kind());
    assertEquals(429, r.status());
    assertEquals(6 * 3600, r.retryAfterSeconds());
    assertEquals(
        "daily upload quota of this key exceeded: 700 of 1000 bytes used today, this upload 400"
            + " bytes; it starts again at 00:00 UTC",
        r.message());
    first.settle(500); // the body was shorter than announced
    assertInstanceOf(UploadAdmitted.class, l.admitUpload(k, 400, SIX_PM));
    assertInstanceOf(UploadAdmitted.class, l.admitUpload(k, 1000, NEXT_DAY));
  }

  @Test
  void anUploadLargerThanTheWholeQuotaIs413WithoutRetryAfter() {
    Limiter l = limiter(Map.of(), false, 1);
    Refused r =
        assertInstanceOf(
            Refused.class, l.admitUpload(key("k", "acme", uploads(1000)), 1001, SIX_PM));
    assertEquals(413, r.status());
    assertEquals(0, r.retryAfterSeconds());
  }

  @Test
  void theTenantsQuotaIsSharedAndARefusalReleasesTheKeysReservation() {
    Limiter l = limiter(Map.of("acme", uploads(1000)), false, 1);
    ApiKey a = key("a", "acme", uploads(800));
    ApiKey b = key("b", "acme", KeyLimits.NONE);
    assertInstanceOf(UploadAdmitted.class, l.admitUpload(b, 600, SIX_PM));
    Refused r = assertInstanceOf(Refused.class, l.admitUpload(a, 500, SIX_PM));
    assertEquals(Scope.TENANT, r.scope());
    assertTrue(r.message().startsWith("daily upload quota of tenant 'acme' exceeded"));
    assertInstanceOf(UploadAdmitted.class, l.admitUpload(a, 400, SIX_PM));
    // a's quota: 400 of 800 (the refused 500 was not kept).
    assertInstanceOf(
        UploadAdmitted.class, l.admitUpload(key("a", "other", uploads(800)), 400, SIX_PM));
  }

  @Test
  void uploadsAreDividedAmongGatewaysOnlyWhenAskedTo() {
    ApiKey k = key("k", "acme", uploads(900));
    assertInstanceOf(UploadAdmitted.class, limiter(Map.of(), false, 3).admitUpload(k, 900, SIX_PM));
    Limiter divided = limiter(Map.of(), true, 3);
    Refused r = assertInstanceOf(Refused.class, divided.admitUpload(k, 301, SIX_PM));
    assertEquals(413, r.status());
    assertTrue(r.message().contains("300 bytes per UTC day (each of the 3 gateways"), r.message());
    assertInstanceOf(UploadAdmitted.class, divided.admitUpload(k, 300, SIX_PM));
  }

  @Test
  void yesterdaysCountsAreForgotten() {
    Limiter l = limiter(Map.of("acme", uploads(1000)), false, 1);
    for (int i = 0; i < 100; i++) {
      l.admitUpload(key("k" + i, "acme", uploads(10)), 1, SIX_PM);
    }
    assertEquals(101, l.trackedUploadQuotas());
    l.admitUpload(key("late", "solo", uploads(10)), 1, NEXT_DAY);
    assertEquals(1, l.trackedUploadQuotas());
  }
}
