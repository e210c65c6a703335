package io.modelfleet.persistence.usage;

import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageRequest;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The statements of {@link UsageStore}, per dialect. The upsert must ADD a flushed delta to the row
 * a previous flush wrote, which neither H2's {@code MERGE INTO … KEY} nor a plain insert can do:
 * PostgreSQL (9.5 and later; its {@code MERGE} needs 15) uses {@code INSERT … ON CONFLICT DO
 * UPDATE}, H2 the standard {@code MERGE INTO … USING … WHEN MATCHED … WHEN NOT MATCHED}. Column
 * names in queries come from {@link UsageColumn}, never from a client.
 */
final class UsageSql {
  private UsageSql() {}

  static final String TABLE = "modelfleet_usage";

  private static final List<String> KEY =
      List.of("node", "period_start", "tenant", "key_id", "model", "version", "device");
  private static final List<String> MEASURES =
      List.of("requests", "failures", "row_count", "input_bytes", "output_bytes", "compute_nanos");

  /** Binds, in this order: the key columns, then the measures (13 parameters). */
  static String upsert(DatabaseSettings.Dialect dialect) {
    return switch (dialect) {
      case POSTGRES -> postgresUpsert();
      case H2 -> h2Upsert();
    };
  }

  private static String postgresUpsert() {
    String columns = String.join(", ", all());
    String params = all().stream().map(c -> "?").collect(Collectors.joining(", "));
    String add =
        MEASURES.stream()
            .map(m -> m + " = " + TABLE + "." + m + " + EXCLUDED." + m)
            .collect(Collectors.joining(", "));
    return "INSERT INTO "
        + TABLE
        + " ("
        + columns
        + ") VALUES ("
        + params
        + ") ON CONFLICT ("
        + String.join(", ", KEY)
        + ") DO UPDATE SET "
        + add;
  }

  private static String h2Upsert() {
    String source =
        all().stream()
            .map(c -> "CAST(? AS " + (isText(c) ? "VARCHAR(255)" : "BIGINT") + ") AS " + c)
            .collect(Collectors.joining(", "));
    String on = KEY.stream().map(k -> "u." + k + " = s." + k).collect(Collectors.joining(" AND "));
    String add =
        MEASURES.stream().map(m -> m + " = u." + m + " + s." + m).collect(Collectors.joining(", "));
    return "MERGE INTO "
        + TABLE
        + " u USING (SELECT "
        + source
        + ") s ON "
        + on
        + " WHEN MATCHED THEN UPDATE SET "
        + add
        + " WHEN NOT MATCHED THEN INSERT ("
        + String.join(", ", all())
        + ") VALUES ("
        + all().stream().map(c -> "s." + c).collect(Collectors.joining(", "))
        + ")";
  }

  private static boolean isText(String column) {
    return !column.equals("period_start") && !MEASURES.contains(column);
  }

  private static List<String> all() {
    return Stream.concat(KEY.stream(), MEASURES.stream()).toList();
  }

  /**
   * The sums per group of {@code r}'s columns over the periods in [from, to), sorted by the group,
   * at most maxRows + 1 rows (one more tells that there are more). Binds: from, to (epoch ms), the
   * tenant and the model when the request names them, then the row limit.
   */
  static String query(UsageRequest r) {
    String group = r.groupBy().stream().map(UsageColumn::sql).collect(Collectors.joining(", "));
    StringBuilder sql = new StringBuilder("SELECT ");
    if (!group.isEmpty()) {
      sql.append(group).append(", ");
    }
    sql.append(
        "SUM(requests), SUM(failures), SUM(row_count), SUM(input_bytes), SUM(output_bytes),"
            + " SUM(compute_nanos),"
            + " SUM(CASE WHEN device = 'cpu' THEN compute_nanos ELSE 0 END),"
            + " SUM(CASE WHEN device = 'gpu' THEN compute_nanos ELSE 0 END)"
            + " FROM "
            + TABLE
            + " WHERE period_start >= ? AND period_start < ?");
    r.tenant().ifPresent(t -> sql.append(" AND tenant = ?"));
    r.model().ifPresent(m -> sql.append(" AND model = ?"));
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(group).append(" ORDER BY ").append(group);
    }
    sql.append(" LIMIT ?");
    return sql.toString();
  }
}
