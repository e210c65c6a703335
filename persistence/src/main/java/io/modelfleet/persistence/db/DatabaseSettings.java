package io.modelfleet.persistence.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which database holds the registry journal, read from {@code modelfleet.database}. An empty URL
 * selects the embedded H2 file under the data directory; a {@code jdbc:postgresql:} URL selects
 * PostgreSQL. {@link #pekkoOverrides()} turns this into pekko-persistence-jdbc configuration so
 * that the operator sets one URL, not three plugin blocks.
 */
public record DatabaseSettings(Dialect dialect, String url, String user, String password, int poolSize, boolean createSchema) {

  public enum Dialect {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver", "h2"),
    POSTGRES("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "postgres");

    final String slickProfile;
    final String driver;
    final String schemaDir;

    Dialect(String slickProfile, String driver, String schemaDir) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.schemaDir = schemaDir;
    }
  }

  public static DatabaseSettings fromConfig(Config root, Path dataDir) {
    Config c = root.getConfig("modelfleet.database");
    String url = c.getString("url");
    String user = c.getString("user");
    if (url.isBlank()) {
      // DATABASE_TO_UPPER=false: the journal DDL uses quoted lower-case names.
      url = "jdbc:h2:file:" + dataDir.resolve("registry").toAbsolutePath() + ";DATABASE_TO_UPPER=false";
      user = user.isBlank() ? "sa" : user;
    }
    Dialect dialect;
    if (url.startsWith("jdbc:h2:")) {
      dialect = Dialect.H2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRES;
    } else {
      throw new IllegalArgumentException(
          "modelfleet.database.url must be empty (embedded H2), jdbc:h2:… or jdbc:postgresql:…, got " + url);
    }
    return new DatabaseSettings(dialect, url, user, c.getString("password"), c.getInt("pool-size"), c.getBoolean("create-schema"));
  }

  /** pekko-persistence-jdbc configuration: one shared Slick database for journal, snapshots and queries. */
  public Config pekkoOverrides() {
    Map<String, Object> m = Map.ofEntries(
        Map.entry("pekko.persistence.journal.plugin", "jdbc-journal"),
        Map.entry("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store"),
        Map.entry("jdbc-journal.use-shared-db", "slick"),
        Map.entry("jdbc-snapshot-store.use-shared-db", "slick"),
        Map.entry("jdbc-read-journal.use-shared-db", "slick"),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.profile", dialect.slickProfile),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.url", url),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.user", user),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.password", password),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.driver", dialect.driver),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.numThreads", poolSize),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.maxConnections", poolSize),
        Map.entry("pekko-persistence-jdbc.shared-databases.slick.db.minConnections", 1));
    return ConfigFactory.parseMap(m, "modelfleet.database");
  }
}
