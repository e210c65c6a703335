package io.modelfleet.persistence.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry URL a node opens: H2 always without a write delay, unless the operator set one. */
class DatabaseSettingsTest {

  @Test
  void embeddedH2CommitsWithoutWriteDelay() {
    DatabaseSettings db = DatabaseSettings.fromConfig(ConfigFactory.load(), Path.of("/tmp/x"));
    assertEquals(DatabaseSettings.Dialect.H2, db.dialect());
    assertTrue(
        db.url().endsWith(";DATABASE_TO_UPPER=false;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"),
        db.url());
  }

  @Test
  void anOperatorsH2UrlGetsItToo() {
    var config =
        ConfigFactory.parseMap(
                Map.of("modelfleet.database.url", "jdbc:h2:file:/srv/reg;DATABASE_TO_UPPER=false"))
            .withFallback(ConfigFactory.load());
    assertEquals(
        "jdbc:h2:file:/srv/reg;DATABASE_TO_UPPER=false;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
        DatabaseSettings.fromConfig(config, Path.of("/tmp/x")).url());
  }

  @Test
  void anExplicitWriteDelayIsKept() {
    assertEquals(
        "jdbc:h2:file:/r;write_delay=500;db_close_on_exit=true",
        DatabaseSettings.durableH2("jdbc:h2:file:/r;write_delay=500;db_close_on_exit=true"));
  }

  @Test
  void aServerModeH2UrlIsLeftToItsServer() {
    assertEquals("jdbc:h2:tcp://db/reg", DatabaseSettings.durableH2("jdbc:h2:tcp://db/reg"));
  }

  @Test
  void postgresUrlIsUntouched() {
    var config =
        ConfigFactory.parseMap(Map.of("modelfleet.database.url", "jdbc:postgresql://db/m"))
            .withFallback(ConfigFactory.load());
    assertEquals(
        "jdbc:postgresql://db/m", DatabaseSettings.fromConfig(config, Path.of("/tmp/x")).url());
  }
}
