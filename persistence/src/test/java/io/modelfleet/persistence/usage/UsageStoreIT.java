package io.modelfleet.persistence.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageDelta;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRequest;
import io.modelfleet.protocol.usage.UsageRow;
import io.modelfleet.protocol.usage.UsageTotals;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage table on a real H2 file and a real PostgreSQL: flushed deltas add up (the upsert adds,
 * never replaces), nodes keep their own rows, and queries group, filter, sort and limit.
 */
class UsageStoreIT {
  private static final long P0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
  private static final long P1 = P0 + 60_000;
  private static final Instant FROM = Instant.ofEpochMilli(P0);
  private static final Instant TO = Instant.ofEpochMilli(P0 + 3_600_000);

  @TempDir Path dir;

  @Test
  void onH2() {
    DatabaseSettings db = DatabaseSettings.fromConfig(ConfigFactory.load(), dir);
    assertEquals(DatabaseSettings.Dialect.H2, db.dialect());
    exercise(db);
  }

  @Test
  void onPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      var config =
          ConfigFactory.parseMap(
                  Map.of(
                      "modelfleet.database.url",
                      pg.getJdbcUrl("postgres", "postgres"),
                      "modelfleet.database.user",
                      "postgres"))
              .withFallback(ConfigFactory.load());
      DatabaseSettings db = DatabaseSettings.fromConfig(config, dir);
      assertEquals(DatabaseSettings.Dialect.POSTGRES, db.dialect());
      exercise(db);
    }
  }

  private static UsageDelta delta(
      long period, String tenant, String key, String model, String device, long n, long nanos) {
    return new UsageDelta(
        period, tenant, key, model, "1", device, n, 1, 2 * n, 12 * n, 8 * n, nanos);
  }

  private static void exercise(DatabaseSettings db) {
    UsageStore store = UsageStore.open(db);
    UsageStore.open(db); // creating the table again is harmless
    store.add("node-a", List.of());
    store.add(
        "node-a",
        List.of(
            delta(P0, "acme", "k1", "m", "cpu", 3, 300),
            delta(P0, "globex", "k2", "m", "gpu", 5, 500)));
    // The same rows again, from the same node: added to, not replaced.
    store.add(
        "node-a",
        List.of(
            delta(P0, "acme", "k1", "m", "cpu", 4, 400),
            delta(P1, "acme", "k1", "m", "cpu", 1, 100)));
    // Another node's rows for the same key are its own rows.
    store.add("node-b", List.of(delta(P0, "acme", "k1", "m", "cpu", 10, 1000)));

    UsageReport byTenant = store.query(request(List.of(UsageColumn.TENANT), 100), TO);
    assertEquals(TO, byTenant.asOf());
    assertFalse(byTenant.truncated());
    assertEquals(
        List.of(
            new UsageRow(List.of("acme"), new UsageTotals(18, 4, 36, 216, 144, 1800, 1800, 0)),
            new UsageRow(List.of("globex"), new UsageTotals(5, 1, 10, 60, 40, 500, 0, 500))),
        byTenant.rows());

    UsageReport byNodePeriod =
        store.query(request(List.of(UsageColumn.NODE, UsageColumn.PERIOD), 100), TO);
    assertEquals(
        List.of(
            List.of("node-a", "2025-03-01T10:00:00Z"),
            List.of("node-a", "2025-03-01T10:01:00Z"),
            List.of("node-b", "2025-03-01T10:00:00Z")),
        byNodePeriod.rows().stream().map(UsageRow::group).toList());
    assertEquals(12, byNodePeriod.rows().get(0).totals().requests());

    UsageReport all = store.query(request(List.of(), 100), TO);
    assertEquals(1, all.rows().size());
    assertEquals(23, all.rows().get(0).totals().requests());

    // from is inclusive, to exclusive, on the period's start.
    UsageReport firstPeriod =
        store.query(
            new UsageRequest(
                FROM, Instant.ofEpochMilli(P1), List.of(), Optional.empty(), Optional.empty(), 10),
            TO);
    assertEquals(22, firstPeriod.rows().get(0).totals().requests());
    UsageReport nothing =
        store.query(
            new UsageRequest(
                TO, TO.plusSeconds(60), List.of(), Optional.empty(), Optional.empty(), 10),
            TO);
    assertTrue(nothing.rows().isEmpty(), nothing.toString());

    UsageReport acmeOnly =
        store.query(
            new UsageRequest(
                FROM,
                TO,
                List.of(UsageColumn.KEY, UsageColumn.DEVICE),
                Optional.of("acme"),
                Optional.of("m"),
                10),
            TO);
    assertEquals(
        List.of(List.of("k1", "cpu")), acmeOnly.rows().stream().map(UsageRow::group).toList());

    UsageReport limited = store.query(request(List.of(UsageColumn.TENANT), 1), TO);
    assertTrue(limited.truncated());
    assertEquals(1, limited.rows().size());
  }

  private static UsageRequest request(List<UsageColumn> groupBy, int maxRows) {
    return new UsageRequest(FROM, TO, groupBy, Optional.empty(), Optional.empty(), maxRows);
  }
}
