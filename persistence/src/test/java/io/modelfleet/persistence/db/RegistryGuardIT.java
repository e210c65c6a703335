package io.modelfleet.persistence.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.RegistryGuard.RegistryRefusedException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry identity on a real PostgreSQL shared by several data directories (a cluster). */
class RegistryGuardIT {
  @TempDir Path dir;

  private static DatabaseSettings settings(EmbeddedPostgres pg, String database, Path dataDir) {
    var config =
        ConfigFactory.parseMap(
                Map.of(
                    "modelfleet.database.url",
                    pg.getJdbcUrl("postgres", database),
                    "modelfleet.database.user",
                    "postgres"))
            .withFallback(ConfigFactory.load());
    return DatabaseSettings.fromConfig(config, dataDir);
  }

  private static void start(DatabaseSettings db, Path dataDir) {
    RegistryGuard guard =
        new RegistryGuard(db, dataDir, dataDir.resolve("artifacts"), "event_journal");
    guard.checkBeforeOpen();
    if (db.createSchema()) {
      try {
        DatabaseSchema.ensure(db);
      } catch (RuntimeException e) {
        throw guard.unreadable(e);
      }
    }
    guard.checkAndRecord();
  }

  @Test
  void nodesShareOneRegistryIdAndRefuseAnotherDatabase() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      Path node1 = dir.resolve("node1");
      Path node2 = dir.resolve("node2");
      DatabaseSettings db = settings(pg, "postgres", node1);
      start(db, node1);
      start(db, node2);
      String id = Files.readString(node1.resolve(RegistryGuard.MARKER));
      assertEquals(
          id,
          Files.readString(node2.resolve(RegistryGuard.MARKER)),
          "a node joining adopts the registry's id");
      start(db, node1);

      try (Connection c =
          DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"), "postgres", "")) {
        c.createStatement().execute("CREATE DATABASE other");
      }
      var wrong =
          assertThrows(
              RegistryRefusedException.class, () -> start(settings(pg, "other", node1), node1));
      assertTrue(wrong.getMessage().contains("holds no ModelFleet registry"), wrong.getMessage());

      try (Connection c = DriverManager.getConnection(db.url(), "postgres", "")) {
        c.createStatement().execute("REVOKE ALL ON event_journal FROM PUBLIC");
        c.createStatement().execute("CREATE ROLE reader LOGIN");
      }
      String withoutUser = db.url().substring(0, db.url().indexOf('?'));
      var unreadable =
          assertThrows(
              RegistryRefusedException.class,
              () ->
                  start(
                      new DatabaseSettings(
                          db.dialect(), withoutUser, "reader", "", db.poolSize(), false),
                      node1));
      assertTrue(
          unreadable.getMessage().contains("journal table event_journal cannot be read"),
          unreadable.getMessage());
    }
  }
}
