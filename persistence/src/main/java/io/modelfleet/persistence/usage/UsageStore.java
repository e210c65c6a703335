package io.modelfleet.persistence.usage;

import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageDelta;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRequest;
import io.modelfleet.protocol.usage.UsageRow;
import io.modelfleet.protocol.usage.UsageTotals;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's metered usage in the registry database ({@code modelfleet_usage}): each node adds
 * what it metered, aggregated per period, to its own rows, and any node reads the sums of all.
 *
 * <p><b>Writes add.</b> {@link #add} adds each delta to the row of its (node, period, tenant, key,
 * model, version, device), creating it when missing, all deltas of one call in one transaction: a
 * call that fails has added nothing, so the caller keeps its deltas and offers them again. The node
 * is part of the key, so no two nodes ever write the same row.
 *
 * <p><b>Blocking.</b> Every method does JDBC on the calling thread; callers run it on a blocking
 * dispatcher. One {@link DriverManager} connection per call, as {@code DatabaseArtifacts} does:
 * calls come once per flush interval per node and once per usage query.
 */
public final class UsageStore {
  private final DatabaseSettings db;
  private final String upsert;

  private UsageStore(DatabaseSettings db) {
    this.db = db;
    this.upsert = UsageSql.upsert(db.dialect());
  }

  /**
   * Opens the usage table, creating it (idempotently, on H2 and PostgreSQL) when {@code
   * modelfleet.database.create-schema} is on.
   */
  public static UsageStore open(DatabaseSettings db) {
    UsageStore store = new UsageStore(db);
    if (db.createSchema()) {
      store.createSchema();
    }
    return store;
  }

  /** Adds {@code deltas}, metered by {@code node}, in one transaction. */
  public void add(String node, List<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement st = c.prepareStatement(upsert)) {
        for (UsageDelta d : deltas) {
          st.setString(1, node);
          st.setLong(2, d.periodStart());
          st.setString(3, d.tenant());
          st.setString(4, d.keyId());
          st.setString(5, d.model());
          st.setString(6, d.version());
          st.setString(7, d.device());
          st.setLong(8, d.requests());
          st.setLong(9, d.failures());
          st.setLong(10, d.rows());
          st.setLong(11, d.inputBytes());
          st.setLong(12, d.outputBytes());
          st.setLong(13, d.computeNanos());
          st.addBatch();
        }
        st.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new UsageStoreException(
          "cannot add " + deltas.size() + " usage rows to " + UsageSql.TABLE, e);
    }
  }

  /** The sums per group of {@code r}; {@code asOf} is passed through to the report. */
  public UsageReport query(UsageRequest r, Instant asOf) {
    List<UsageRow> rows = new ArrayList<>();
    boolean truncated = false;
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(UsageSql.query(r))) {
      int i = 1;
      st.setLong(i++, r.from().toEpochMilli());
      st.setLong(i++, r.to().toEpochMilli());
      if (r.tenant().isPresent()) {
        st.setString(i++, r.tenant().get());
      }
      if (r.model().isPresent()) {
        st.setString(i++, r.model().get());
      }
      st.setInt(i, r.maxRows() + 1);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (rows.size() == r.maxRows()) {
            truncated = true;
            break;
          }
          UsageRow row = row(rs, r.groupBy());
          if (row != null) {
            rows.add(row);
          }
        }
      }
    } catch (SQLException e) {
      throw new UsageStoreException("cannot read " + UsageSql.TABLE, e);
    }
    return new UsageReport(rows, truncated, asOf);
  }

  /** One result row; null for the all-NULL row of an ungrouped query over no usage. */
  private static UsageRow row(ResultSet rs, List<UsageColumn> groupBy) throws SQLException {
    List<String> group = new ArrayList<>(groupBy.size());
    int i = 1;
    for (UsageColumn c : groupBy) {
      group.add(
          c == UsageColumn.PERIOD
              ? Instant.ofEpochMilli(rs.getLong(i++)).toString()
              : rs.getString(i++));
    }
    if (groupBy.isEmpty() && rs.getObject(i) == null) {
      return null;
    }
    long[] m = new long[8];
    for (int k = 0; k < m.length; k++) {
      m[k] = rs.getLong(i++);
    }
    return new UsageRow(group, new UsageTotals(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]));
  }

  /**
   * Runs {@code modelfleet/schema/<dialect>/usage-create-schema.sql} (see {@link
   * DatabaseSchema#ensureTables}).
   */
  private void createSchema() {
    try {
      DatabaseSchema.ensureTables(db, "usage");
    } catch (SQLException e) {
      throw new UsageStoreException(
          "cannot create " + UsageSql.TABLE + " in the registry database", e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static void rollback(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
