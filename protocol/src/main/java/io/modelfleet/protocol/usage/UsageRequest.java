package io.modelfleet.protocol.usage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A usage query: the sums of every measure per group over the periods that start in [{@code from},
 * {@code to}), optionally for one tenant or one model, at most {@code maxRows} groups.
 *
 * @param groupBy the columns to group by, in the order the rows show them (may be empty: one row)
 */
public record UsageRequest(
    Instant from,
    Instant to,
    List<UsageColumn> groupBy,
    Optional<String> tenant,
    Optional<String> model,
    int maxRows) {

  public UsageRequest {
    groupBy = List.copyOf(groupBy);
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from " + from + " must be before to " + to);
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
    }
  }
}
