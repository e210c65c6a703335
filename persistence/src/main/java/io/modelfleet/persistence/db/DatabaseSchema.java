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
 * ({@code schema/<dialect>/<dialect>-create-schema.sql}). The shipped scripts create tables with
 * IF NOT EXISTS but their indexes without it, so index statements are rewritten to IF NOT EXISTS:
 * running this on every start is then harmless on H2 and PostgreSQL alike.
 */
public final class DatabaseSchema {
  private DatabaseSchema() {}

  public static void ensure(DatabaseSettings db) {
    String resource = "schema/" + db.dialect().schemaDir + "/" + db.dialect().schemaDir + "-create-schema.sql";
    List<String> statements = statements(read(resource));
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the registry schema at " + db.url() + ": " + e.getMessage(), e);
    }
  }

  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    for (String raw : script.split(";")) {
      String sql = raw.strip();
      if (sql.isEmpty()) {
        continue;
      }
      sql = sql.replaceFirst("(?i)^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(?!IF NOT EXISTS)", "CREATE $1INDEX $2IF NOT EXISTS ");
      out.add(sql);
    }
    return out;
  }

  private static String read(String resource) {
    try (InputStream in = DatabaseSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("pekko-persistence-jdbc DDL " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
