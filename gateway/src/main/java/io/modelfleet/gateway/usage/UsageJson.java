package io.modelfleet.gateway.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.usage.UsageColumn;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRow;
import io.modelfleet.protocol.usage.UsageTotals;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Usage as JSON: the range and grouping asked for, {@code as_of}, and one object per group with its
 * group columns and the measures. Times are seconds with nanosecond precision, written as exact
 * decimals.
 *
 * <pre>
 * {"from": "2025-03-01T00:00:00Z", "to": "2025-03-02T00:00:00Z", "group_by": ["tenant", "model"],
 *  "as_of": "2025-03-01T10:41:50Z",
 *  "usage": [{"tenant": "acme", "model": "fraud", "requests": 120, "failures": 2, "rows": 480,
 *             "input_bytes": 5760, "output_bytes": 3840, "compute_seconds": 0.012345678,
 *             "cpu_seconds": 0.012345678, "gpu_seconds": 0}]}
 * </pre>
 */
public final class UsageJson {
  private UsageJson() {}

  /** The measures, in the order JSON and CSV write them. */
  static final List<String> MEASURES =
      List.of(
          "requests",
          "failures",
          "rows",
          "input_bytes",
          "output_bytes",
          "compute_seconds",
          "cpu_seconds",
          "gpu_seconds");

  public static void write(
      JsonGenerator g, Instant from, Instant to, List<UsageColumn> groupBy, UsageReport report)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("from", from.toString());
    g.writeStringField("to", to.toString());
    g.writeArrayFieldStart("group_by");
    for (UsageColumn c : groupBy) {
      g.writeString(c.label());
    }
    g.writeEndArray();
    g.writeStringField("as_of", report.asOf().toString());
    g.writeArrayFieldStart("usage");
    for (UsageRow r : report.rows()) {
      g.writeStartObject();
      for (int i = 0; i < groupBy.size(); i++) {
        g.writeStringField(groupBy.get(i).label(), r.group().get(i));
      }
      UsageTotals t = r.totals();
      g.writeNumberField("requests", t.requests());
      g.writeNumberField("failures", t.failures());
      g.writeNumberField("rows", t.rows());
      g.writeNumberField("input_bytes", t.inputBytes());
      g.writeNumberField("output_bytes", t.outputBytes());
      g.writeFieldName("compute_seconds");
      g.writeNumber(seconds(t.computeNanos()));
      g.writeFieldName("cpu_seconds");
      g.writeNumber(seconds(t.cpuNanos()));
      g.writeFieldName("gpu_seconds");
      g.writeNumber(seconds(t.gpuNanos()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Nanoseconds as exact decimal seconds without trailing zeros ("0", "1.5", "0.000012345"). */
  static String seconds(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
  }
}
