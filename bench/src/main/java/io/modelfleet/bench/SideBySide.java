package io.modelfleet.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Issue 12's two comparison tables in its own layout, read off the results: the tiny model (inf/s
 * at 1 client, p50, inf/s at 16 clients) and MiniLM at 16 clients (inf/s, ratio to raw's best, CPU
 * per inference), one line for raw ORT's best configuration and one per served protocol (the better
 * batching setting of each). Cells that were not measured stay empty; a protocol not measured at
 * all has no line.
 */
final class SideBySide {

  private SideBySide() {}

  static String render(Results r, String tiny) {
    StringBuilder sb = new StringBuilder();
    sb.append(f("| %s | inf/s, 1 client | p50 µs | inf/s, 16 clients |%n", tiny));
    sb.append("|---|---:|---:|---:|\n");
    sb.append(
        tinyLine(
            "raw ONNX Runtime in-process (best configuration)",
            r.fastestRaw(tiny, 1, 1),
            r.raw(tiny, 16, 1)));
    for (String p : List.of("json", "binary", ServedRows.GRPC)) {
      Optional<Row> one = fastest(r, tiny, p, 1);
      Optional<Row> sixteen = best(r, tiny, p, 16);
      if (one.isPresent() || sixteen.isPresent()) {
        sb.append(tinyLine("ModelFleet, " + p, one, sixteen));
      }
    }
    sb.append("\n| MiniLM seq 128, 16 clients | inf/s | ÷ raw's best | CPU ms per inference |\n");
    sb.append("|---|---:|---:|---:|\n");
    Optional<Row> raw = r.raw("minilm", 16, 1);
    sb.append(miniLmLine("raw ONNX Runtime in-process (best configuration)", raw, raw));
    for (String p : List.of("json", "binary", ServedRows.GRPC)) {
      Optional<Row> served = best(r, "minilm", p, 16);
      if (served.isPresent()) {
        sb.append(miniLmLine("ModelFleet, " + p, served, raw));
      }
    }
    return sb.toString();
  }

  private static String tinyLine(String what, Optional<Row> one, Optional<Row> sixteen) {
    return f(
        "| %s | %s | %s | %s |%n",
        what,
        one.map(x -> f("%,.0f", x.measurement().opsPerSecond())).orElse(""),
        one.map(x -> f("%,.0f", x.measurement().p50Micros())).orElse(""),
        sixteen.map(x -> f("%,.0f", x.measurement().opsPerSecond())).orElse(""));
  }

  private static String miniLmLine(String what, Optional<Row> row, Optional<Row> raw) {
    return f(
        "| %s | %s | %s | %s |%n",
        what,
        row.map(x -> f("%,.1f", x.measurement().opsPerSecond())).orElse(""),
        row.isPresent() && raw.isPresent()
            ? f(
                "%.2f",
                row.get().measurement().rowsPerSecond() / raw.get().measurement().rowsPerSecond())
            : "",
        row.map(x -> f("%.1f", x.measurement().cpuMicrosPerOp() / 1e3)).orElse(""));
  }

  private static Optional<Row> fastest(Results r, String model, String path, int clients) {
    return served(r, model, path, clients)
        .min(Comparator.comparingDouble(x -> x.measurement().p50Micros()));
  }

  private static Optional<Row> best(Results r, String model, String path, int clients) {
    return served(r, model, path, clients)
        .max(Comparator.comparingDouble(x -> x.measurement().rowsPerSecond()));
  }

  private static Stream<Row> served(Results r, String model, String path, int clients) {
    return r.rows().stream()
        .filter(
            x ->
                x.ok()
                    && x.model().equals(model)
                    && x.path().equals(path)
                    && x.clients() == clients
                    && x.batch() == 1);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
