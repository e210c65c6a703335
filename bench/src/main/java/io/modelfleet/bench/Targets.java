package io.modelfleet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The three targets, read off the results. Each is judged on the binary protocol, the one a
 * client that cares about overhead uses; if binary could not be measured, JSON stands in and the
 * line says so. A target whose rows are missing is n/a, never a pass.
 */
public final class Targets {

  public static final double MIN_EFFICIENCY = 0.95;
  public static final double MAX_ADDED_P50_MICROS = 50;
  public static final double MIN_BATCHING_GAIN = 4;

  /** {@code passed} is null when the target could not be evaluated. */
  public record Target(String goal, String measured, Boolean passed) {
    public String mark() {
      return passed == null ? "n/a" : passed ? "✓" : "✗";
    }
  }

  private Targets() {}

  public static List<Target> evaluate(Results r) {
    List<Target> out = new ArrayList<>();
    out.add(efficiency(r));
    out.add(addedLatency(r));
    out.add(batchingGain(r));
    return out;
  }

  private static Target efficiency(Results r) {
    String goal = "MiniLM, 16 clients, batching off: served/raw throughput ≥ " + MIN_EFFICIENCY;
    Optional<Row> raw = r.raw("minilm", 16, 1);
    Optional<Row> served = preferred(r, "minilm", "off", 16);
    if (raw.isEmpty() || served.isEmpty()) {
      return new Target(goal, missing(r, raw, "minilm", 16), null);
    }
    double ratio =
        served.get().measurement().rowsPerSecond() / raw.get().measurement().rowsPerSecond();
    return new Target(
        goal,
        f("%.2f (%s)", ratio, served.get().path()) + others(r, "minilm", 16, raw.get()),
        ratio >= MIN_EFFICIENCY);
  }

  private static Target addedLatency(Results r) {
    String goal =
        "tiny, 1 client, batching off: served p50 − raw p50 ≤ "
            + (int) MAX_ADDED_P50_MICROS
            + " µs";
    Optional<Row> raw = r.raw("tiny", 1, 1);
    Optional<Row> served = preferred(r, "tiny", "off", 1);
    if (raw.isEmpty() || served.isEmpty()) {
      return new Target(goal, missing(r, raw, "tiny", 1), null);
    }
    double added = served.get().measurement().p50Micros() - raw.get().measurement().p50Micros();
    return new Target(
        goal,
        f(
            "%.0f µs (%s; raw p50 %.1f µs)",
            added, served.get().path(), raw.get().measurement().p50Micros()),
        added <= MAX_ADDED_P50_MICROS);
  }

  private static Target batchingGain(Results r) {
    String goal = "MLP, 64 clients: rows/s batching on ÷ off ≥ " + (int) MIN_BATCHING_GAIN + "×";
    Optional<Row> rawOne = r.raw("mlp", 1, 1);
    Optional<Row> rawBatch = r.raw("mlp", 1, 64);
    String ceiling =
        rawOne.isPresent() && rawBatch.isPresent()
            ? f(
                "; raw ORT's own ceiling, batch 64 ÷ batch 1 on one thread: %.1f×",
                rawBatch.get().measurement().rowsPerSecond()
                    / rawOne.get().measurement().rowsPerSecond())
            : "; raw ceiling not measured";
    for (String protocol : List.of("binary", "json")) {
      Optional<Row> on = r.served("mlp", protocol, "on", 64).filter(Row::ok);
      Optional<Row> off = r.served("mlp", protocol, "off", 64).filter(Row::ok);
      if (on.isPresent() && off.isPresent()) {
        double gain =
            on.get().measurement().rowsPerSecond() / off.get().measurement().rowsPerSecond();
        String fallback = protocol.equals("binary") ? "" : ", binary not measured";
        return new Target(
            goal, f("%.1f× (%s%s)", gain, protocol, fallback) + ceiling, gain >= MIN_BATCHING_GAIN);
      }
    }
    String why =
        r.served("mlp", "binary", "on", 64)
            .map(Row::unavailable)
            .or(() -> r.served("mlp", "json", "on", 64).map(Row::unavailable))
            .orElse("MLP at 64 clients was not run");
    return new Target(goal, "n/a (" + why + ")" + ceiling, null);
  }

  /** The binary row if it was measured, else the JSON one. */
  private static Optional<Row> preferred(Results r, String model, String batching, int clients) {
    Optional<Row> binary = r.served(model, "binary", batching, clients).filter(Row::ok);
    if (binary.isPresent()) {
      return binary;
    }
    return r.served(model, "json", batching, clients)
        .filter(Row::ok)
        .map(
            row ->
                new Row(
                    row.model(),
                    "json, binary not measured",
                    row.batching(),
                    row.clients(),
                    row.batch(),
                    row.measurement(),
                    null));
  }

  /** The other served paths at the same point, for context: "; json off 0.41, binary on 1.30". */
  private static String others(Results r, String model, int clients, Row raw) {
    StringBuilder sb = new StringBuilder();
    for (Row row : r.rows()) {
      if (!row.isRaw()
          && row.ok()
          && row.model().equals(model)
          && row.clients() == clients
          && !(row.path().equals("binary") && row.batching().equals("off"))) {
        sb.append(sb.length() == 0 ? "; other paths: " : ", ")
            .append(
                f(
                    "%s %s %.2f",
                    row.path(),
                    row.batching(),
                    row.measurement().rowsPerSecond() / raw.measurement().rowsPerSecond()));
      }
    }
    return sb.toString();
  }

  private static String missing(Results r, Optional<Row> raw, String model, int clients) {
    if (raw.isEmpty()) {
      return "n/a (raw " + model + " at " + clients + " clients not measured)";
    }
    String why =
        r.served(model, "binary", "off", clients)
            .map(Row::unavailable)
            .orElse("served " + model + " at " + clients + " clients not measured");
    return "n/a (" + why + ")";
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
