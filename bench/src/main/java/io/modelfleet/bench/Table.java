package io.modelfleet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report in markdown: the run's context, the targets with ✓/✗, the load generator's ceiling
 * (trivial server and the node's health check), one row per model × path × batching × clients, the
 * cross-node hop, and notes (why a row is n/a, first errors, how a deployment differed from the one
 * asked for).
 */
public final class Table {

  private Table() {}

  public static String render(List<String> context, Results results, List<Targets.Target> targets) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ModelFleet serving benchmark\n\n");
    for (String line : context) {
      sb.append("- ").append(line).append('\n');
    }
    List<String> notes = new ArrayList<>(results.notes());

    sb.append("\n## Targets (issue 12)\n\n");
    sb.append("| Target | Goal | Measured | Met |\n|---|---|---|:---:|\n");
    for (Targets.Target t : targets) {
      sb.append(
          f(
              "| %s | %s | %s | %s |\n",
              t.name(), t.goal(), t.measured().replace("|", "/"), t.mark()));
    }

    sb.append("\n## Side by side (issue 12's layout)\n\n");
    sb.append(SideBySide.render(results, Targets.tinyModel(results)));

    sb.append("\n## Load generator ceiling (no model work)\n\n");
    sb.append(
        "`GET /v2/health/live` against a trivial server in its own JVM that answers a canned 200 (the "
            + "client and loopback TCP alone), then against the node (adds its HTTP stack). No served row "
            + "can beat the node's line. Server CPU is the server process's CPU time in the window "
            + "divided by the requests.\n\n");
    sb.append(
        "| Server | Clients | req/s | p50 µs | p99 µs | server CPU µs/req | errors | other CPU |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : results.ceiling()) {
      if (r.measurement() == null) {
        sb.append(
            f(
                "| %s | %d | n/a (note %d) | | | | | |\n",
                r.path(), r.clients(), note(notes, "ceiling: " + r.unavailable())));
        continue;
      }
      Measurement m = r.measurement();
      sb.append(
          f(
              "| %s | %d | %s | %s | %s | %s | %s | %s |\n",
              r.path(),
              r.clients(),
              rate(m.opsPerSecond()),
              micros(m.p50Micros()),
              micros(m.p99Micros()),
              cpu(m.cpuMicrosPerOp()),
              errors(notes, r),
              cores(m.otherCores())));
    }

    sb.append("\n## Results\n\n");
    sb.append(
        "Served rows send batch-1 requests; served/raw divides by the best raw ORT configuration at batch 1 "
            + "with the same number of clients; +p50 is served p50 − the lowest raw p50, at 1 client; CPU µs/op "
            + "is the serving process's CPU (the node; the bench itself for raw ORT) per inference; other CPU is "
            + "the cores that processes other than the bench and its node used during the window (above about "
            + "0.1, the row was measured on a busy machine).\n\n");
    sb.append(
        "| Model | Path | Batching | Clients | Batch | inf/s | rows/s | p50 µs | p99 µs | served/raw | +p50 µs "
            + "| CPU µs/op | errors | other CPU |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : results.rows()) {
      String head =
          f(
              "| %s | %s | %s | %d | %d |",
              r.model(), r.path(), r.batching(), r.clients(), r.batch());
      if (r.measurement() == null) {
        int n =
            note(
                notes,
                r.model() + " " + r.path() + " batching " + r.batching() + ": " + r.unavailable());
        sb.append(head)
            .append(f(" n/a (%s; note %d) | | | | | | | | |\n", shortReason(r.unavailable()), n));
        continue;
      }
      Measurement m = r.measurement();
      String ratio = "";
      String added = "";
      if (!r.isRaw()) {
        Optional<Row> raw = results.raw(r.model(), r.clients(), 1);
        Optional<Row> fastest = results.fastestRaw(r.model(), 1, 1);
        if (raw.isPresent() && m.completed() > 0) {
          ratio = f("%.2f", m.rowsPerSecond() / raw.get().measurement().rowsPerSecond());
        }
        if (fastest.isPresent() && m.completed() > 0 && r.clients() == 1) {
          added = f("%.0f", m.p50Micros() - fastest.get().measurement().p50Micros());
        }
      }
      sb.append(head)
          .append(
              f(
                  " %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                  rate(m.opsPerSecond()),
                  rate(m.rowsPerSecond()),
                  micros(m.p50Micros()),
                  micros(m.p99Micros()),
                  ratio,
                  added,
                  cpu(m.cpuMicrosPerOp()),
                  errors(notes, r),
                  cores(m.otherCores())));
    }

    sb.append("\n## Cross-node hop\n\n");
    if (results.hop().isPresent()) {
      // HopBench's own report, its headings one level down.
      String hop = results.hop().get().report();
      sb.append(hop.substring(hop.indexOf('\n') + 1).replace("\n## ", "\n### ").trim())
          .append('\n');
    } else {
      sb.append("n/a: ").append(results.hopUnavailable()).append('\n');
    }
    if (!notes.isEmpty()) {
      sb.append("\n## Notes\n\n");
      for (int i = 0; i < notes.size(); i++) {
        sb.append(i + 1).append(". ").append(notes.get(i)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * The reason in a table cell: one line, no pipes, at most 80 characters; the note has it whole.
   */
  private static String shortReason(String why) {
    String s = why == null ? "unknown" : why.replace('\n', ' ').replace("|", "/");
    return s.length() > 80 ? s.substring(0, 79) + "…" : s;
  }

  private static int note(List<String> notes, String text) {
    int at = notes.indexOf(text);
    if (at < 0) {
      notes.add(text);
      at = notes.size() - 1;
    }
    return at + 1;
  }

  private static String errors(List<String> notes, Row r) {
    Measurement m = r.measurement();
    if (m.errors() == 0) {
      return "0";
    }
    int n =
        note(
            notes,
            r.model()
                + " "
                + r.path()
                + " batching "
                + r.batching()
                + " at "
                + r.clients()
                + " clients, first error: "
                + m.firstError());
    return f("%d (note %d)", m.errors(), n);
  }

  private static String cores(double cores) {
    return Double.isNaN(cores) ? "—" : f("%.2f", cores);
  }

  private static String cpu(double micros) {
    return Double.isNaN(micros) ? "—" : micros >= 100 ? f("%,.0f", micros) : f("%.1f", micros);
  }

  private static String rate(double perSecond) {
    return perSecond >= 100 ? f("%,.0f", perSecond) : f("%.1f", perSecond);
  }

  private static String micros(double us) {
    return Double.isNaN(us) ? "—" : f("%,.0f", us);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
