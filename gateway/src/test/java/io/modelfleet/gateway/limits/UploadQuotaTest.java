package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UploadQuotaTest {

  private static final long NOON = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
  private static final long LAST_SECOND = Instant.parse("2025-03-01T23:59:59Z").toEpochMilli();
  private static final long MIDNIGHT = Instant.parse("2025-03-02T00:00:00Z").toEpochMilli();

  @Test
  void reservationsCountUntilTheLimit() {
    UploadQuota q = new UploadQuota(1000);
    assertNotNull(q.reserve(600, NOON));
    assertNull(q.reserve(401, NOON), "600 + 401 passes 1000");
    assertNotNull(q.reserve(400, NOON), "exactly the limit is allowed");
    assertEquals(1000, q.used(NOON));
  }

  @Test
  void settlingReplacesTheReservationWithTheActualSizeOnce() {
    UploadQuota q = new UploadQuota(1000);
    UploadQuota.Reservation r = q.reserve(600, NOON);
    r.settle(100);
    assertEquals(100, q.used(NOON));
    r.settle(900);
    assertEquals(100, q.used(NOON), "a second settle changes nothing");
    UploadQuota.Reservation failed = q.reserve(800, NOON);
    failed.settle(0);
    assertEquals(100, q.used(NOON), "a failed upload counts nothing");
  }

  @Test
  void anUnknownLengthIsCountedAfterwardsAndRefusedOnceTheDayIsUsedUp() {
    UploadQuota q = new UploadQuota(1000);
    UploadQuota.Reservation r = q.reserve(-1, NOON);
    assertNotNull(r);
    assertEquals(0, r.reserved());
    r.settle(1200);
    assertEquals(1200, q.used(NOON), "a body longer than the quota still counts in full");
    assertNull(q.reserve(-1, NOON));
    assertNull(q.reserve(1, NOON));
  }

  @Test
  void theCountStartsAgainAtMidnightUtc() {
    UploadQuota q = new UploadQuota(1000);
    UploadQuota.Reservation yesterday = q.reserve(1000, LAST_SECOND);
    assertNull(q.reserve(1, LAST_SECOND));
    assertNotNull(q.reserve(1000, MIDNIGHT));
    yesterday.settle(0);
    assertEquals(1000, q.used(MIDNIGHT), "yesterday's reservation does not touch today's count");
    assertEquals(1000, UploadQuota.millisToNextDay(LAST_SECOND));
    assertEquals(86_400_000L, UploadQuota.millisToNextDay(MIDNIGHT));
    assertEquals(43_200_000L, UploadQuota.millisToNextDay(NOON));
  }

  @Test
  void noLimitOnlyCounts() {
    UploadQuota q = new UploadQuota(0);
    assertNotNull(q.reserve(Long.MAX_VALUE / 2, NOON));
    assertNotNull(q.reserve(5, NOON));
  }

  @Test
  void aRaisedLimitAppliesToTodaysCount() {
    UploadQuota q = new UploadQuota(100);
    q.reserve(100, NOON);
    assertNull(q.reserve(50, NOON));
    q.setLimit(200);
    assertNotNull(q.reserve(50, NOON));
  }
}
