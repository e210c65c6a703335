package io.modelfleet.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Issue 12's targets, read off the results, each with its goal, the measured value (with what it is
 * compared against) and ✓/✗; a target whose rows are missing is n/a, never a pass. The tiny model
 * is {@code simple} (the INT32 add/sub) when it was run, else {@code tiny} (an FP32 Gemm),
 * and the line says which. Served rows may come from batching off or on: each target takes the
 * better. The MLP batching gain of the earlier targets follows when the MLP was run.
 */
public final class Targets {

  public static final double MAX_ADDED_P50_MICROS = 50;
  public static final double MIN_TINY_16_RATE = 20_000;
  public static final double MAX_HEALTH_CPU_MICROS = 20;
  public static final double MIN_EFFICIENCY = 0.95;
  public static final double MAX_HOP_MICROS = HopBench.TARGET_US;
  public static final double MIN_BATCHING_GAIN = 4;

  /** {@code passed} is null when the target could not be evaluated. */
  public record Target(String name, String goal, String measured, Boolean passed) {
    public String mark() {
      return passed == null ? "n/a" : passed ? "✓" : "✗";
    }
  }

  private Targets() {}

  public static List<Target> evaluate(Results r) {
    String tiny =
        r.rows().stream().anyMatch(row -> row.model().equals("simple")) ? "simple" : "tiny";
    List<Target> out = new ArrayList<>();
    out.add(addedLatency(r, tiny, "binary"));
    out.add(tinyRate(r, tiny));
    out.add(health(r));
    out.add(efficiency(r, "binary"));
    out.add(hop(r));
    out.add(grpcLatency(r, tiny));
    out.add(grpcRate(r, tiny));
    out.add(grpcRate(r, "minilm"));
    out.add(efficiency(r, ServedRows.GRPC));
    out.add(batchingGain(r));
    return out;
  }

  /** The tiny model, simple, when it was run; else the FP32 Gemm, tiny. */
  static String tinyModel(Results r) {
    return r.rows().stream().anyMatch(row -> row.model().equals("simple")) ? "simple" : "tiny";
  }

  private static Target addedLatency(Results r, String tiny, String protocol) {
    String name = tiny + ", 1 client, " + protocol;
    String goal = f("served p50 − raw p50 ≤ %.0f µs", MAX_ADDED_P50_MICROS);
    Optional<Row> raw = r.fastestRaw(tiny, 1, 1);
    Optional<Row> served = fastest(r, tiny, protocol, 1);
    if (raw.isEmpty() || served.isEmpty()) {
      return new Target(name, goal, missing(raw, served, tiny, protocol, 1), null);
    }
    double added = served.get().measurement().p50Micros() - raw.get().measurement().p50Micros();
    return new Target(
        name,
        goal,
        f(
            "%+.0f µs (served p50 %.0f µs, batching %s; %s p50 %.1f µs)",
            added,
            served.get().measurement().p50Micros(),
            served.get().batching(),
            raw.get().path(),
            raw.get().measurement().p50Micros()),
        added <= MAX_ADDED_P50_MICROS);
  }

  private static Target tinyRate(Results r, String tiny) {
    String name = tiny + ", 16 clients, HTTP";
    String goal = f("≥ %,.0f inf/s", MIN_TINY_16_RATE);
    Optional<Row> served = best(r, tiny, List.of("binary", "json"), 16);
    Optional<Row> raw = r.raw(tiny, 16, 1);
    if (served.isEmpty()) {
      return new Target(name, goal, missing(raw, served, tiny, "binary", 16), null);
    }
    double rate = served.get().measurement().opsPerSecond();
    return new Target(
        name,
        goal,
        f(
            "%,.0f inf/s (%s, batching %s)%s",
            rate,
            served.get().path(),
            served.get().batching(),
            raw.map(x -> f("; %s %,.0f", x.path(), x.measurement().opsPerSecond())).orElse("")),
        rate >= MIN_TINY_16_RATE);
  }

  private static Target health(Results r) {
    String name = "GET /v2/health/live, 64 clients";
    String goal = f("≤ %.0f µs of server CPU per request", MAX_HEALTH_CPU_MICROS);
    Optional<Row> node = r.ceiling(Bench.HEALTH, 64);
    Optional<Row> trivial = r.ceiling(Bench.TRIVIAL, 64);
    String comparison =
        trivial
            .map(
                t ->
                    f(
                        "; trivial server %.1f µs (%,.0f req/s)",
                        t.measurement().cpuMicrosPerOp(), t.measurement().opsPerSecond()))
            .orElse("; trivial server not measured");
    if (node.isEmpty() || Double.isNaN(node.get().measurement().cpuMicrosPerOp())) {
      return new Target(
          name,
          goal,
          "n/a (the node's health check at 64 clients was not measured)" + comparison,
          null);
    }
    double cpu = node.get().measurement().cpuMicrosPerOp();
    return new Target(
        name,
        goal,
        f("%.1f µs (%,.0f req/s)", cpu, node.get().measurement().opsPerSecond()) + comparison,
        cpu <= MAX_HEALTH_CPU_MICROS);
  }

  private static Target efficiency(Results r, String protocol) {
    String name = "MiniLM seq 128, 16 clients, " + protocol;
    String goal = f("served ÷ raw ORT's best ≥ %.2f", MIN_EFFICIENCY);
    Optional<Row> raw = r.raw("minilm", 16, 1);
    Optional<Row> served = best(r, "minilm", List.of(protocol), 16);
    if (raw.isEmpty() || served.isEmpty()) {
      return new Target(name, goal, missing(raw, served, "minilm", protocol, 16), null);
    }
    Measurement s = served.get().measurement();
    Measurement w = raw.get().measurement();
    double ratio = s.rowsPerSecond() / w.rowsPerSecond();
    return new Target(
        name,
        goal,
        f(
            "%.2f (%.1f vs %.1f inf/s, best raw: %s; CPU per inference: served %.1f ms, raw %.1f ms)",
            ratio,
            s.opsPerSecond(),
            w.opsPerSecond(),
            raw.get().path(),
            s.cpuMicrosPerOp() / 1e3,
            w.cpuMicrosPerOp() / 1e3),
        ratio >= MIN_EFFICIENCY);
  }

  private static Target hop(Results r) {
    String name = "cross-node hop, tiny (Gemm), 1 client, binary";
    String goal = f("remote p50 − local p50 ≤ +%.0f µs", MAX_HOP_MICROS);
    if (r.hop().isEmpty()) {
      return new Target(name, goal, "n/a (" + r.hopUnavailable() + ")", null);
    }
    HopBench.Outcome h = r.hop().get();
    double diff = h.remoteP50Micros() - h.localP50Micros();
    return new Target(
        name,
        goal,
        f(
            "%+.0f µs (local %.0f µs, remote %.0f µs)",
            diff, h.localP50Micros(), h.remoteP50Micros()),
        diff <= MAX_HOP_MICROS);
  }

  private static Target grpcLatency(Results r, String tiny) {
    String name = tiny + ", 1 client, gRPC";
    String goal = "p50 no worse than HTTP binary's";
    Optional<Row> grpc = fastest(r, tiny, ServedRows.GRPC, 1);
    Optional<Row> binary = fastest(r, tiny, "binary", 1);
    Optional<Row> raw = r.fastestRaw(tiny, 1, 1);
    if (grpc.isEmpty() || binary.isEmpty()) {
      return new Target(name, goal, missing(binary, grpc, tiny, ServedRows.GRPC, 1), null);
    }
    double g = grpc.get().measurement().p50Micros();
    double b = binary.get().measurement().p50Micros();
    return new Target(
        name,
        goal,
        f("%.0f µs vs %.0f µs", g, b)
            + raw.map(x -> f(" (gRPC over raw: %+.0f µs)", g - x.measurement().p50Micros()))
                .orElse(""),
        g <= b);
  }

  private static Target grpcRate(Results r, String model) {
    String name = model + ", 16 clients, gRPC";
    String goal = "inf/s no worse than HTTP binary's";
    Optional<Row> grpc = best(r, model, List.of(ServedRows.GRPC), 16);
    Optional<Row> binary = best(r, model, List.of("binary"), 16);
    if (grpc.isEmpty() || binary.isEmpty()) {
      return new Target(name, goal, missing(binary, grpc, model, ServedRows.GRPC, 16), null);
    }
    double g = grpc.get().measurement().opsPerSecond();
    double b = binary.get().measurement().opsPerSecond();
    return new Target(name, goal, f("%,.1f vs %,.1f inf/s", g, b), g >= b);
  }

  private static Target batchingGain(Results r) {
    String name = "MLP, 64 clients (earlier target)";
    String goal = f("rows/s batching on ÷ off ≥ %.0f×", MIN_BATCHING_GAIN);
    Optional<Row> rawOne = r.raw("mlp", 1, 1);
    Optional<Row> rawBatch = r.raw("mlp", 1, 64);
    String ceiling =
        rawOne.isPresent() && rawBatch.isPresent()
            ? f(
                "; raw ORT's own ceiling, batch 64 ÷ batch 1 on one thread: %.1f×",
                rawBatch.get().measurement().rowsPerSecond()
                    / rawOne.get().measurement().rowsPerSecond())
            : "";
    for (String protocol : List.of("binary", "json")) {
      Optional<Row> on = r.served("mlp", protocol, "on", 64).filter(Row::ok);
      Optional<Row> off = r.served("mlp", protocol, "off", 64).filter(Row::ok);
      if (on.isPresent() && off.isPresent()) {
        double gain =
            on.get().measurement().rowsPerSecond() / off.get().measurement().rowsPerSecond();
        return new Target(
            name, goal, f("%.1f× (%s)", gain, protocol) + ceiling, gain >= MIN_BATCHING_GAIN);
      }
    }
    return new Target(
        name, goal, "n/a (MLP with batching off and on at 64 clients not in this run)", null);
  }

  /** The measured row of {@code protocol} at {@code clients} with the lowest p50, any batching. */
  private static Optional<Row> fastest(Results r, String model, String protocol, int clients) {
    return served(r, model, List.of(protocol), clients)
        .min(Comparator.comparingDouble(x -> x.measurement().p50Micros()));
  }

  /** The measured row of any of {@code protocols} at {@code clients} with the most inf/s. */
  private static Optional<Row> best(Results r, String model, List<String> protocols, int clients) {
    return served(r, model, protocols, clients)
        .max(Comparator.comparingDouble(x -> x.measurement().rowsPerSecond()));
  }

  private static Stream<Row> served(Results r, String model, List<String> protocols, int clients) {
    return r.rows().stream()
        .filter(
            x ->
                !x.isRaw()
                    && x.ok()
                    && x.model().equals(model)
                    && protocols.contains(x.path())
                    && x.clients() == clients
                    && x.batch() == 1);
  }

  private static String missing(
      Optional<Row> first, Optional<Row> second, String model, String protocol, int clients) {
    if (first.isEmpty()) {
      return f("n/a (%s at %d clients: reference row not measured)", model, clients);
    }
    return f("n/a (%s %s at %d clients not measured; see the notes)", model, protocol, clients);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
