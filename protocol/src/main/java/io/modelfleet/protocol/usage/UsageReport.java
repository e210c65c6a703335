package io.modelfleet.protocol.usage;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a usage query.
 *
 * @param rows the groups, sorted by their values
 * @param truncated whether more groups matched than the request's maxRows (rows then holds maxRows
 *     of them)
 * @param asOf usage recorded before this instant is included, provided every node's flushes
 *     succeed: each node writes what it metered once per flush interval, so the newest usage is not
 *     in the database yet
 */
public record UsageReport(List<UsageRow> rows, boolean truncated, Instant asOf) {
  public UsageReport {
    rows = List.copyOf(rows);
  }
}
