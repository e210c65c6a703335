package io.modelfleet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The markdown report of {@link HopBench}: the settings it ran with, each path's best round, the
 * difference a hop adds, and where the replicas were.
 */
record HopReport(List<String> nodeJvm, Duration warmUp, Duration window, int rounds) {

  /** The prefer-local-replicas setting the nodes run with, as the node JVM options give it. */
  String preferLocal() {
    return nodeJvm.stream()
        .filter(o -> o.startsWith("-Dmodelfleet.gateway.prefer-local-replicas="))
        .map(o -> o.substring(o.indexOf('=') + 1))
        .findFirst()
        .orElse("on (default)");
  }

  String render(
      Map<String, List<Measurement>> runs,
      List<String> placements,
      String local,
      String remote,
      int portA,
      List<Path> logs,
      String moved) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ModelFleet cluster hop: local vs remote replica\n\n");
    sb.append("- Date: ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append('\n');
    sb.append("- Machine: ").append(Machine.cores()).append('\n');
    sb.append("- JVM: ").append(Machine.jvm()).append("; OS: ").append(Machine.os()).append('\n');
    sb.append("- Cluster: node A (gateway,worker, remote port ")
        .append(portA)
        .append(") and node B (worker), separate JVMs ")
        .append(String.join(" ", nodeJvm))
        .append(", cpu-only, one embedded PostgreSQL, all on 127.0.0.1\n");
    sb.append("- Model: tiny (Gemm FP32 [1,4]→[1,2]), one replica per deployment, ORT ")
        .append(RawOrt.INTRA_OP_THREADS)
        .append('/')
        .append(RawOrt.INTER_OP_THREADS)
        .append(" threads; placements: ")
        .append(String.join(", ", placements))
        .append(" (local = ")
        .append(local)
        .append(", remote = ")
        .append(remote)
        .append(")\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "- Load: 1 client through A's gateway, binary protocol, batch 1; "
                + "%.1f s warm-up + %.1f s window, %d rounds alternating the paths, the round with the better p50 kept%n%n",
            warmUp.toMillis() / 1e3,
            window.toMillis() / 1e3,
            rounds));
    sb.append("| path | req/s | p50 µs | p99 µs | errors | other CPU | p50 of each round µs |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---|\n");
    Map<String, Measurement> best = new LinkedHashMap<>();
    for (Map.Entry<String, List<Measurement>> e : runs.entrySet()) {
      Measurement b =
          e.getValue().stream()
              .min(Comparator.comparingDouble(Measurement::p50Micros))
              .orElseThrow();
      best.put(e.getKey(), b);
      List<String> each =
          e.getValue().stream()
              .map(m -> String.format(Locale.ROOT, "%.0f", m.p50Micros()))
              .toList();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.0f | %.0f | %d | %.2f | %s |%n",
              e.getKey(),
              b.opsPerSecond(),
              b.p50Micros(),
              b.p99Micros(),
              b.errors(),
              b.otherCores(),
              String.join(", ", each)));
    }
    double diff = best.get("remote replica").p50Micros() - best.get("local replica").p50Micros();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nRemote − local p50: **%+.0f µs** (target ≤ +%.0f µs: %s)%n",
            diff,
            HopBench.TARGET_US,
            diff <= HopBench.TARGET_US ? "✓" : "✗"));
    sb.append(
        String.format(
            Locale.ROOT,
            "With a replica on each node, the gateway's choice gives p50 %.0f µs "
                + "(node setting prefer-local-replicas: %s).%n",
            best.get("one replica per node").p50Micros(),
            preferLocal()));
    if (moved != null) {
      sb.append("\n**Warning:** ")
          .append(moved)
          .append(" — the rows may mix local and remote requests.\n");
    }
    sb.append("\nNode logs: ").append(logs.get(0)).append(", ").append(logs.get(1)).append('\n');
    return sb.toString();
  }
}
