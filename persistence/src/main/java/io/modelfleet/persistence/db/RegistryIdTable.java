package io.modelfleet.persistence.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The one-row table {@code modelfleet_registry} that holds a registry's id in its database (see
 * {@link RegistryGuard}): created idempotently, and filled once, by whichever node gets there
 * first.
 */
final class RegistryIdTable {

  private RegistryIdTable() {}

  static void create(Connection c) throws SQLException {
    String ddl =
        "CREATE TABLE IF NOT EXISTS modelfleet_registry (id INT PRIMARY KEY, registry_id VARCHAR(64) NOT NULL, "
            + "created_at BIGINT NOT NULL)";
    try (Statement st = c.createStatement()) {
      st.execute(ddl);
    } catch (SQLException first) {
      // Two PostgreSQL nodes creating the table at once can fail one of them even with IF NOT
      // EXISTS.
      try (Statement st = c.createStatement()) {
        st.execute(ddl);
      }
    }
  }

  /** Inserts the id row; a node that starts at the same moment may win, and then its id is ours. */
  static String insertId(Connection c) throws SQLException {
    String id = UUID.randomUUID().toString();
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO modelfleet_registry (id, registry_id, created_at) VALUES (1, ?, ?)")) {
      insert.setString(1, id);
      insert.setLong(2, System.currentTimeMillis());
      insert.executeUpdate();
      return id;
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT registry_id FROM modelfleet_registry WHERE id = 1")) {
      if (!rs.next()) {
        throw new SQLException("the registry id row vanished while it was being created");
      }
      return rs.getString(1);
    }
  }
}
