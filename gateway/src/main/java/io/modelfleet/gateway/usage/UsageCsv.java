package io.modelfleet.gateway.usage;

import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageRow;
import io.modelfleet.protocol.usage.UsageTotals;
import java.util.List;

/**
 * Usage as CSV (RFC 4180): a header row, then one row per group with the same columns and numbers
 * as the JSON; CRLF line ends; a field holding a comma, a double quote, CR or LF is quoted, with
 * its quotes doubled.
 */
public final class UsageCsv {
  private UsageCsv() {}

  public static String write(List<UsageColumn> groupBy, List<UsageRow> rows) {
    StringBuilder b = new StringBuilder();
    for (UsageColumn c : groupBy) {
      b.append(c.label()).append(',');
    }
    b.append(String.join(",", UsageJson.MEASURES)).append("\r\n");
    for (UsageRow r : rows) {
      for (String v : r.group()) {
        b.append(field(v)).append(',');
      }
      UsageTotals t = r.totals();
      b.append(t.requests())
          .append(',')
          .append(t.failures())
          .append(',')
          .append(t.rows())
          .append(',')
          .append(t.inputBytes())
          .append(',')
          .append(t.outputBytes())
          .append(',')
          .append(UsageJson.seconds(t.computeNanos()))
          .append(',')
          .append(UsageJson.seconds(t.cpuNanos()))
          .append(',')
          .append(UsageJson.seconds(t.gpuNanos()))
          .append("\r\n");
    }
    return b.toString();
  }

  /** One field, quoted when it must be. */
  static String field(String v) {
    if (v == null) {
      return "";
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return '"' + v.replace("\"", "\"\"") + '"';
      }
    }
    return v;
  }
}
