package io.modelfleet.protocol.usage;

import java.util.Optional;

/**
 * A column that usage can be grouped by ({@code group_by} of {@code GET /v1/usage}): the name a
 * client writes and the column of the usage table. The SQL names come from here only, never from a
 * client, so that a group-by list can be written into a query without quoting.
 */
public enum UsageColumn {
  TENANT("tenant", "tenant"),
  /** The key's id; without access control, the caller's principal (see UsageStore). */
  KEY("key", "key_id"),
  MODEL("model", "model"),
  VERSION("version", "version"),
  /** The device kind: "cpu", "gpu", or empty for a request no replica answered. */
  DEVICE("device", "device"),
  /** The node whose gateway received the requests. */
  NODE("node", "node"),
  /** The start of the metering period (UTC). */
  PERIOD("period", "period_start");

  private final String label;
  private final String sql;

  UsageColumn(String label, String sql) {
    this.label = label;
    this.sql = sql;
  }

  /** The name clients write and read. */
  public String label() {
    return label;
  }

  /** The column of the usage table. */
  public String sql() {
    return sql;
  }

  /** The column a client named (exactly, lower case), if there is one. */
  public static Optional<UsageColumn> parse(String label) {
    for (UsageColumn c : values()) {
      if (c.label.equals(label)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
