package io.modelfleet.persistence.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the journal schema at start from the DDL that ships in the pekko-persistence-jdbc jar
 * ({@code schema/<dialect>/<dialect>-create-schema.sql}). The shipped scripts create tables with IF
 * NOT EXISTS but their indexes without it, so index statements are rewritten to IF NOT EXISTS:
 * running this on every start is then harmless on H2 and PostgreSQL alike.
 */
public final class DatabaseSchema {
  /** Arbitrary but fixed: the PostgreSQL advisory lock that serialises schema creation. */
  private static final long SCHEMA_LOCK_KEY = 73_010_001L;

  private DatabaseSchema() {}

  public static void ensure(DatabaseSettings db) {
    String dir = db.dialect().schemaDir;
    try {
      run(db, "schema/" + dir + "/" + dir + "-create-schema.sql");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create the registry schema at " + db.url() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs ModelFleet's own create script {@code modelfleet/schema/<dialect>/<name>-create-
   * schema.sql} (its statements use IF NOT EXISTS), under the same lock as the registry schema, so
   * nodes that start together never race on the catalog.
   */
  public static void ensureTables(DatabaseSettings db, String name) throws SQLException {
    run(db, "modelfleet/schema/" + db.dialect().schemaDir + "/" + name + "-create-schema.sql");
  }

  private static void run(DatabaseSettings db, String resource) throws SQLException {
    List<String> statements = statements(read(resource));
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      // Nodes of a cluster start together: IF NOT EXISTS does not stop two PostgreSQL sessions
      // from racing on the catalog ("relation already exists"), so they take turns.
      boolean postgres = db.dialect() == DatabaseSettings.Dialect.POSTGRES;
      if (postgres) {
        st.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK_KEY + ")");
      }
      try {
        for (String sql : statements) {
          st.execute(sql);
        }
      } finally {
        if (postgres) {
          st.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK_KEY + ")");
        }
      }
    }
  }

  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    // Whole comment lines go first: a part of only comments is no statement.
    for (String raw : script.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
      String sql = raw.strip();
      if (sql.isEmpty()) {
        continue;
      }
      // CONCURRENTLY goes: it waits for every open transaction, including a node waiting on the
      // schema lock below, which deadlocks nodes that start together; the tables are new or small.
      sql =
          sql.replaceFirst(
              "(?i)^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(?!IF NOT EXISTS)",
              "CREATE $1INDEX IF NOT EXISTS ");
      out.add(sql);
    }
    return out;
  }

  private static String read(String resource) {
    try (InputStream in = DatabaseSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("DDL " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
