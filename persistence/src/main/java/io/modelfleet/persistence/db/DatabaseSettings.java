package io.modelfleet.persistence.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Which database holds the registry journal, read from {@code modelfleet.database}. An empty URL
 * selects the embedded H2 file under the data directory; a {@code jdbc:postgresql:} URL selects
 * PostgreSQL. {@link #pekkoOverrides()} turns this into pekko-persistence-jdbc configuration so
 * that the operator sets one URL, not three plugin blocks.
 *
 * <p>Durability: every H2 URL gets {@code WRITE_DELAY=0} unless it names a write delay itself. H2's
 * default (500 ms) acknowledges a commit while it is still only in the JVM's memory and writes it
 * to the file up to half a second later, so {@code kill -9} lost registrations and deployment
 * changes the node had already answered 2xx to (measured: about 15,000 of 340,000 committed rows in
 * 3 s). With 0 every commit is written to the file before the commit returns, so it survives the
 * death of the process. H2 does not fsync on commit, so a power loss or kernel crash can still lose
 * the last commits; the README says so, and PostgreSQL (fsync on commit by default) is the registry
 * for that promise.
 */
public record DatabaseSettings(
    Dialect dialect, String url, String user, String password, int poolSize, boolean createSchema) {

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
      url =
          "jdbc:h2:file:"
              + dataDir.resolve("registry").toAbsolutePath()
              + ";DATABASE_TO_UPPER=false";
      user = user.isBlank() ? "sa" : user;
    }
    if (url.startsWith("jdbc:h2:")) {
      url = durableH2(url);
    }
    Dialect dialect;
    if (url.startsWith("jdbc:h2:")) {
      dialect = Dialect.H2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRES;
    } else {
      throw new IllegalArgumentException(
          "modelfleet.database.url must be empty (embedded H2), jdbc:h2:… or jdbc:postgresql:…, got "
              + url);
    }
    return new DatabaseSettings(
        dialect,
        url,
        user,
        c.getString("password"),
        c.getInt("pool-size"),
        c.getBoolean("create-schema"));
  }

  /**
   * {@code url} with {@code ;WRITE_DELAY=0} (see the class comment) and {@code
   * ;DB_CLOSE_ON_EXIT=FALSE} appended, each unless the URL sets it itself.
   */
  static String durableH2(String url) {
    String upper = url.toUpperCase(Locale.ROOT);
    if (upper.startsWith("JDBC:H2:TCP:") || upper.startsWith("JDBC:H2:SSL:")) {
      // A server-mode database: its server owns these settings (and setting them needs admin
      // rights).
      return url;
    }
    String out = upper.contains(";WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
    // H2 otherwise closes the database from its own JVM shutdown hook, at the first moment of a
    // SIGTERM, while Pekko's coordinated shutdown still drains, hands over and reads the journal;
    // the node then logs failures and restarts its controller on the way out. The connection
    // pool closes it when the actor system terminates instead.
    return upper.contains(";DB_CLOSE_ON_EXIT=") ? out : out + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * pekko-persistence-jdbc configuration: one shared Slick database for journal, snapshots and
   * queries.
   */
  public Config pekkoOverrides() {
    Map<String, Object> m =
        Map.ofEntries(
            Map.entry("pekko.persistence.journal.plugin", "jdbc-journal"),
            Map.entry("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store"),
            Map.entry("jdbc-journal.use-shared-db", "slick"),
            Map.entry("jdbc-snapshot-store.use-shared-db", "slick"),
            Map.entry("jdbc-read-journal.use-shared-db", "slick"),
            Map.entry(
                "pekko-persistence-jdbc.shared-databases.slick.profile", dialect.slickProfile),
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
