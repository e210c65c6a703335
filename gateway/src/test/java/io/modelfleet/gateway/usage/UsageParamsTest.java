package io.modelfleet.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.usage.UsageColumn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parameters of GET /v1/usage and who sees which tenant. */
class UsageParamsTest {
  private static final Instant NOW = Instant.parse("2025-03-14T15:09:26Z");
  private static final Duration MAX = Duration.ofDays(400);

  private static UsageParams parse(Map<String, String> q) {
    return UsageParams.parse(q, Optional.empty(), NOW, MAX);
  }

  private static String error(Map<String, String> q) {
    return assertThrows(ApiException.class, () -> parse(q)).getMessage();
  }

  @Test
  void defaultsAreTheCurrentUtcDayByTenantAndModelAsJson() {
    UsageParams p = parse(Map.of());
    assertEquals(Instant.parse("2025-03-14T00:00:00Z"), p.from());
    assertEquals(Instant.parse("2025-03-15T00:00:00Z"), p.to());
    assertEquals(List.of(UsageColumn.TENANT, UsageColumn.MODEL), p.groupBy());
    assertFalse(p.csv());
    assertTrue(p.tenant().isEmpty());
  }

  @Test
  void datesCoverWholeDaysAndInstantsAreExact() {
    UsageParams days = parse(Map.of("from", "2025-03-01", "to", "2025-03-31"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), days.from());
    assertEquals(Instant.parse("2025-04-01T00:00:00Z"), days.to());
    UsageParams exact =
        parse(Map.of("from", "2025-03-01T10:00:00Z", "to", "2025-03-01T12:30:00+02:00"));
    assertEquals(Instant.parse("2025-03-01T10:00:00Z"), exact.from());
    assertEquals(Instant.parse("2025-03-01T10:30:00Z"), exact.to());
  }

  @Test
  void groupByIsAnOrderedSetOfKnownColumns() {
    assertEquals(
        List.of(UsageColumn.PERIOD, UsageColumn.KEY, UsageColumn.DEVICE, UsageColumn.NODE),
        parse(Map.of("group_by", "period, key,DEVICE,node")).groupBy());
    assertEquals(List.of(), parse(Map.of("group_by", "")).groupBy());
    assertEquals(
        "group_by: unknown column 'customer'; the columns are tenant, key, model, version, device,"
            + " node, period",
        error(Map.of("group_by", "tenant,customer")));
    assertEquals("group_by names 'model' twice", error(Map.of("group_by", "model,model")));
  }

  @Test
  void mistakesNameTheParameter() {
    assertEquals(
        "from 'yesterday' is neither an ISO-8601 instant (2025-03-01T10:00:00Z) nor a date"
            + " (2025-03-01)",
        error(Map.of("from", "yesterday")));
    assertEquals(
        "from (2025-03-02T00:00:00Z) must be before to (2025-03-02T00:00:00Z)",
        error(Map.of("from", "2025-03-02", "to", "2025-03-01")));
    assertEquals(
        "from 2020-01-01T00:00:00Z to 2025-01-01T00:00:00Z is longer than 400 days, the longest"
            + " range one query may cover (modelfleet.ops.metering.query-max-range)",
        error(Map.of("from", "2020-01-01", "to", "2024-12-31")));
    assertEquals(
        "unknown query parameter 'groupby'; /v1/usage takes from, to, group_by, tenant, model and"
            + " format",
        error(Map.of("groupby", "tenant")));
    assertEquals("format must be json or csv, got 'xml'", error(Map.of("format", "xml")));
    assertEquals("tenant must not be empty when given", error(Map.of("tenant", "")));
  }

  @Test
  void csvIsAskedForByFormatOrAccept() {
    assertTrue(parse(Map.of("format", "csv")).csv());
    assertTrue(UsageParams.parse(Map.of(), Optional.of("text/csv"), NOW, MAX).csv());
    assertFalse(
        UsageParams.parse(Map.of("format", "json"), Optional.of("text/csv"), NOW, MAX).csv());
    assertFalse(UsageParams.parse(Map.of(), Optional.of("application/json"), NOW, MAX).csv());
  }

  private static Identity key(String tenant, Role role) {
    return Identity.of(
        new ApiKey(
            "k-1",
            "k",
            tenant,
            Set.of(role),
            List.of(Grant.ALL),
            KeyLimits.NONE,
            "hash",
            "mfk_",
            0,
            0,
            0));
  }

  @Test
  void clusterReadersSeeEveryTenantAndOtherKeysTheirOwn() {
    assertEquals(Optional.empty(), UsageRoutes.scope(Identity.ANONYMOUS, Optional.empty()));
    assertEquals(
        Optional.empty(), UsageRoutes.scope(key("default", Role.VIEWER), Optional.empty()));
    assertEquals(
        Optional.of("acme"), UsageRoutes.scope(key("default", Role.ADMIN), Optional.of("acme")));
    assertEquals(
        Optional.of("default"),
        UsageRoutes.scope(key("default", Role.INFERRER), Optional.empty()),
        "no cluster read: its own tenant");
    assertEquals(Optional.of("acme"), UsageRoutes.scope(key("acme", Role.ADMIN), Optional.empty()));
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> UsageRoutes.scope(key("acme", Role.ADMIN), Optional.of("globex")));
    assertEquals(403, e.status());
    assertEquals("this key sees only the usage of its own tenant 'acme'", e.getMessage());
  }
}
