package io.modelfleet.bench;

import java.util.Locale;

/** Progress lines on stderr ({@code [bench] …}), one per measured row, while the report builds. */
final class Progress {

  private Progress() {}

  static void line(String line) {
    System.err.println("[bench] " + line);
  }

  /** Adds {@code row} to the results and says what it measured. */
  static void record(Results results, Row row) {
    results.add(row);
    line(describe(row.model(), row));
  }

  static String describe(String what, Row r) {
    Measurement m = r.measurement();
    return String.format(
        Locale.ROOT,
        "%-8s %-28s batching %-3s clients %3d batch %2d: %10.1f inf/s"
            + "  p50 %9.0f µs  p99 %9.0f µs  CPU %8.1f µs/op  errors %d  other CPU %.2f",
        what,
        r.path(),
        r.batching(),
        r.clients(),
        r.batch(),
        m.opsPerSecond(),
        m.p50Micros(),
        m.p99Micros(),
        m.cpuMicrosPerOp(),
        m.errors(),
        m.otherCores());
  }
}
