package io.modelfleet.protocol.usage;

import java.util.List;

/**
 * One group of a usage query: the group's values in the order of the request's group-by columns (a
 * period as an ISO-8601 instant) and its sums.
 */
public record UsageRow(List<String> group, UsageTotals totals) {
  public UsageRow {
    group = List.copyOf(group);
  }
}
