package io.modelfleet.bench;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the whole comparison and prints the report. One served node is started as its own process
 * first; then, model by model, raw in-process ONNX Runtime is measured (the node idle) and right
 * after it the node over HTTP for each batching × protocol × client count. Raw and served of one
 * model are measured minutes apart, not a whole run apart, so a change in background load on a
 * shared machine skews their ratio less. Progress goes to stderr, the report to stdout and to
 * bench/target/results/latest.md.
 */
public final class Bench {

  static final String TRIVIAL = "trivial server GET /v2/health/live";
  static final String HEALTH = "node GET /v2/health/live";

  private final BenchConfig config;
  private final Results results = new Results();
  private final Map<String, BenchModel> models = new LinkedHashMap<>();
  private CpuMonitor cpu = new CpuMonitor(List.of(ProcessHandle.current().pid()));
  private QuietGate gate;

  private Bench(BenchConfig config) {
    this.config = config;
    this.gate = new QuietGate(cpu, config.quietCores(), config.quietWait(), config.retries());
  }

  public static void main(String[] args) throws Exception {
    BenchLogging.quiet();
    BenchConfig config = BenchConfig.fromSystemProperties();
    String report = new Bench(config).run();
    System.out.println(report);
    Files.createDirectories(config.resultFile().getParent());
    Files.writeString(config.resultFile(), report);
    System.err.println("report written to " + config.resultFile());
  }

  private String run() throws Exception {
    OrtEnvironment env = RawOrt.environment();
    List<String> context = context(env);
    for (String key : config.models()) {
      Progress.line("loading model " + key);
      models.put(key, BenchModels.load(key, env));
    }
    ServedNode node = config.served() ? startNode() : null;
    try {
      ServedRows served = null;
      NodeApi api = null;
      if (node != null) {
        cpu = new CpuMonitor(List.of(ProcessHandle.current().pid(), node.pid()));
        gate = gate.with(cpu);
        CpuMonitor nodeCpu = cpu.serving(node.pid());
        HttpLoad load = new HttpLoad(node.port(), nodeCpu);
        api = new NodeApi(node.port());
        served =
            new ServedRows(
                config,
                gate,
                results,
                api,
                load,
                new GrpcLoad(node.grpcPort(), nodeCpu, config.sharedGrpcChannel()));
        measureCeiling(load);
      }
      String nodeGone = null;
      for (BenchModel model : models.values()) {
        Map<String, RawOrt.Reference> reference =
            RawRows.measure(config, gate, cpu, results, env, model);
        if (node == null) {
          if (nodeGone != null) {
            servedUnavailable(model, nodeGone);
          }
          continue;
        }
        for (String batching : config.batching()) {
          served.measure(model, batching.equals("on"), reference);
          if (!node.isAlive()) {
            nodeGone = "the node died during " + model.key() + " (see notes)";
            results.note(
                "the node died during "
                    + model.key()
                    + "; its log ends:\n\n```\n"
                    + node.logTail(30)
                    + "\n```");
            node.close();
            node = null;
            break;
          }
        }
      }
      if (api != null) {
        api.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
    if (config.hop()) {
      measureHop();
    }
    context.add(
        "Load average (1, 5, 15 min) at the end: "
            + loadAverage()
            + "; the \"other CPU\" columns give, per window, the cores other processes used");
    return Table.render(context, results, Targets.evaluate(results));
  }

  /**
   * The cross-node hop ({@link HopBench}: two more nodes and an embedded PostgreSQL), after the
   * single node has stopped so that it has the machine to itself.
   */
  private void measureHop() {
    Progress.line("measuring the cross-node hop (two nodes, embedded PostgreSQL)");
    try {
      HopBench hop =
          new HopBench(
              config.root(),
              config.warmUp(),
              config.window(),
              config.hopRounds(),
              config.readyTimeout(),
              config.nodeJvmOptions());
      results.hop(hop.run());
    } catch (Exception e) {
      Progress.line("the hop failed: " + e);
      results.hopUnavailable("the hop failed: " + firstLine(e.getMessage()));
    }
  }

  private List<String> context(OrtEnvironment env) {
    List<String> c = new ArrayList<>();
    c.add("Date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    c.add("Machine: " + Machine.cores());
    c.add("JVM: " + Machine.jvm());
    c.add("OS: " + Machine.os());
    c.add(
        "ONNX Runtime: "
            + env.getVersion()
            + " (onnxruntime_gpu jar, CPU execution provider only)");
    c.add(
        "Raw sessions: intra-op threads "
            + config.rawIntraOp().stream()
                .map(n -> n == RawOrt.ORT_DEFAULT ? "ORT's default" : Integer.toString(n))
                .toList()
            + " (one row each; ratios divide by the best), "
            + RawOrt.INTER_OP_THREADS
            + " inter-op, all graph optimisations");
    String extra = System.getProperty(NodeApi.EXTRA_PROPERTY, "");
    c.add(
        "Served deployments: "
            + RawOrt.INTRA_OP_THREADS
            + " intra-op threads, "
            + RawOrt.INTER_OP_THREADS
            + " inter-op"
            + (extra.isBlank() ? "" : "; extra deployment fields " + extra));
    c.add(
        String.format(
            Locale.ROOT,
            "Each measurement: %.1f s warm-up, then a %.1f s window (MiniLM and MLP %.1f s)%s",
            config.warmUp().toMillis() / 1e3,
            config.window().toMillis() / 1e3,
            config.window("minilm").toMillis() / 1e3,
            config.quick() ? " (quick run)" : ""));
    c.add(
        "Served node: separate JVM "
            + String.join(" ", config.nodeJvmOptions())
            + ", one replica per deployment, client and node on the same machine over 127.0.0.1; "
            + "gRPC clients "
            + (config.sharedGrpcChannel() ? "share one channel" : "have one channel each"));
    c.add("Load average (1, 5, 15 min) at the start: " + loadAverage());
    c.add(
        String.format(
            Locale.ROOT,
            "Quiet gate: each measurement waits up to %d s for other processes to use under "
                + "%.2f cores, and is measured again %d time(s) if they used over %.2f during its window",
            config.quietWait().toSeconds(),
            config.quietCores(),
            config.retries(),
            2 * config.quietCores()));
    return c;
  }

  /** The node, up and ready; null (with every served row n/a) if it would not start. */
  private ServedNode startNode() throws InterruptedException {
    ServedNode node = null;
    try {
      Progress.line("starting the node");
      node =
          ServedNode.start(
              config.root(),
              config.nodeJvmOptions(),
              config.resultFile().resolveSibling("node.log"));
      node.awaitReady(config.readyTimeout());
      Progress.line("node up on port " + node.port() + " (log " + node.log() + ")");
      return node;
    } catch (IOException | RuntimeException e) {
      Progress.line("the node did not start: " + e.getMessage());
      if (node != null) {
        node.close();
      }
      String why = "the node did not start: " + firstLine(e.getMessage());
      for (BenchModel model : models.values()) {
        servedUnavailable(model, why);
      }
      return null;
    }
  }

  /**
   * The load generator against a trivial server in its own JVM (its floor: client plus loopback
   * TCP, and what a request costs a server that does nothing), then against the node's cheapest
   * endpoint (the floor of anything served, and issue 12's health-check CPU target).
   */
  private void measureCeiling(HttpLoad load) throws InterruptedException {
    try (TrivialServer trivial = TrivialServer.start()) {
      CpuMonitor trivialCpu = cpu.serving(trivial.pid());
      HttpLoad floor = new HttpLoad(trivial.port(), trivialCpu);
      QuietGate trivialGate = gate.with(trivialCpu);
      for (int clients : config.ceilingClients()) {
        Measurement m =
            trivialGate.measure(
                "floor " + clients, () -> floor.ceiling(clients, config.warmUp(), config.window()));
        Row row = Row.measured("(none)", TRIVIAL, Row.NONE, clients, 1, m);
        results.addCeiling(row);
        Progress.line(Progress.describe("floor", row));
      }
    } catch (IOException | RuntimeException e) {
      Progress.line("the trivial server failed: " + e);
      results.addCeiling(Row.unavailable("(none)", TRIVIAL, Row.NONE, 64, 1, e.toString()));
    }
    // A fresh node's JIT compiles its HTTP path during the first seconds of load, and that CPU
    // would land on the first row's server CPU: run the health check once, unmeasured.
    try {
      load.ceiling(config.ceilingClients().get(0), config.nodeWarmUp(), Duration.ofMillis(1));
    } catch (RuntimeException e) {
      Progress.line("node warm-up failed: " + e);
    }
    for (int clients : config.ceilingClients()) {
      try {
        Measurement m =
            gate.measure(
                "ceiling " + clients,
                () -> load.ceiling(clients, config.warmUp(), config.window()));
        Row row = Row.measured("(none)", HEALTH, Row.NONE, clients, 1, m);
        results.addCeiling(row);
        Progress.line(Progress.describe("ceiling", row));
      } catch (RuntimeException e) {
        Progress.line("ceiling failed: " + e);
        results.addCeiling(Row.unavailable("(none)", HEALTH, Row.NONE, clients, 1, e.toString()));
      }
    }
  }

  private void servedUnavailable(BenchModel model, String why) {
    for (String batching : config.batching()) {
      for (String p : config.protocols()) {
        for (int clients : config.concurrency(model.key())) {
          results.add(Row.unavailable(model.key(), p, batching, clients, 1, why));
        }
      }
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
