package io.modelfleet.persistence.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal schema is created at start on a real H2 file and a real PostgreSQL, and again
 * harmlessly.
 */
class DatabaseSchemaIT {
  @TempDir Path dir;

  @Test
  void h2FileSchemaIsCreatedIdempotently() throws Exception {
    DatabaseSettings db = DatabaseSettings.fromConfig(ConfigFactory.load(), dir);
    assertEquals(DatabaseSettings.Dialect.H2, db.dialect());
    DatabaseSchema.ensure(db);
    DatabaseSchema.ensure(db);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      assertTrue(tableExists(c, "event_journal"));
      assertTrue(tableExists(c, "event_tag"));
      assertTrue(tableExists(c, "snapshot"));
    }
    assertTrue(
        dir.resolve("registry.mv.db").toFile().exists(), "H2 stores a file under the data dir");
  }

  @Test
  void postgresSchemaIsCreatedIdempotently() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      var config =
          ConfigFactory.parseMap(
                  Map.of("modelfleet.database.url", url, "modelfleet.database.user", "postgres"))
              .withFallback(ConfigFactory.load());
      DatabaseSettings db = DatabaseSettings.fromConfig(config, dir);
      assertEquals(DatabaseSettings.Dialect.POSTGRES, db.dialect());
      DatabaseSchema.ensure(db);
      DatabaseSchema.ensure(db);
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
        assertTrue(tableExists(c, "event_journal"));
        assertTrue(tableExists(c, "event_tag"));
        assertTrue(tableExists(c, "snapshot"));
      }
      assertEquals(
          "slick.jdbc.PostgresProfile$",
          db.pekkoOverrides().getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
    }
  }

  private static boolean tableExists(Connection c, String table) throws Exception {
    try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
      return rs.next();
    }
  }
}
