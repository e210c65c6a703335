package io.modelfleet.bench;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final int MLP_BATCH = 64;
  static final String CANNED = "in-bench canned 200";

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
      progress("loading model " + key);
      models.put(key, BenchModels.load(key, env));
    }
    ServedNode node = config.served() ? startNode() : null;
    try {
      HttpLoad load = null;
      NodeApi api = null;
      if (node != null) {
        cpu = new CpuMonitor(List.of(ProcessHandle.current().pid(), node.pid()));
        gate = gate.with(cpu);
        load = new HttpLoad(node.port(), cpu);
        api = new NodeApi(node.port());
        try {
          measureCeiling(load);
        } catch (IOException | RuntimeException e) {
          progress("ceiling failed: " + e);
          results.addCeiling(
              Row.unavailable("(none)", "node GET /v2/health/live", Row.NONE, 1, 1, e.toString()));
        }
      }
      String nodeGone = null;
      for (BenchModel model : models.values()) {
        Map<String, RawOrt.Reference> reference = measureRaw(env, model);
        if (node == null) {
          if (nodeGone != null) {
            servedUnavailable(model, nodeGone);
          }
          continue;
        }
        for (String batching : config.batching()) {
          measureDeployment(api, load, model, batching.equals("on"), reference);
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
    context.add(
        "Load average (1, 5, 15 min) at the end: "
            + loadAverage()
            + "; the \"other CPU\" columns give, per window, the cores other processes used");
    return Table.render(context, results, Targets.evaluate(results));
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
        "Sessions (raw and served): "
            + RawOrt.INTRA_OP_THREADS
            + " intra-op threads, "
            + RawOrt.INTER_OP_THREADS
            + " inter-op, all graph optimisations");
    c.add(
        String.format(
            Locale.ROOT,
            "Each measurement: %.1f s warm-up, then a %.1f s window%s",
            config.warmUp().toMillis() / 1e3,
            config.window().toMillis() / 1e3,
            config.quick() ? " (quick run)" : ""));
    c.add(
        "Served node: separate JVM "
            + String.join(" ", config.nodeJvmOptions())
            + ", one replica per deployment, client and node on the same machine over 127.0.0.1");
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
      progress("starting the node");
      node =
          ServedNode.start(
              config.root(),
              config.nodeJvmOptions(),
              config.resultFile().resolveSibling("node.log"));
      node.awaitReady(config.readyTimeout());
      progress("node up on port " + node.port() + " (log " + node.log() + ")");
      return node;
    } catch (IOException | RuntimeException e) {
      progress("the node did not start: " + e.getMessage());
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
   * The load generator against a server that does nothing (its floor: client plus loopback TCP),
   * then against the node's cheapest endpoint (the floor of anything served).
   */
  private void measureCeiling(HttpLoad load) throws InterruptedException, IOException {
    try (LoopbackServer canned = new LoopbackServer()) {
      HttpLoad floor = load.on(canned.port());
      for (int clients : config.allConcurrencies()) {
        Measurement m =
            gate.measure(
                "floor " + clients, () -> floor.ceiling(clients, config.warmUp(), config.window()));
        Row row = Row.measured("(none)", CANNED, Row.NONE, clients, 1, m);
        results.addCeiling(row);
        progress(describe("floor", row));
      }
    }
    for (int clients : config.allConcurrencies()) {
      Measurement m =
          gate.measure(
              "ceiling " + clients, () -> load.ceiling(clients, config.warmUp(), config.window()));
      Row row = Row.measured("(none)", "node GET /v2/health/live", Row.NONE, clients, 1, m);
      results.addCeiling(row);
      progress(describe("ceiling", row));
    }
  }

  /** Raw rows for one model; returns its reference outputs (empty if raw failed). */
  private Map<String, RawOrt.Reference> measureRaw(OrtEnvironment env, BenchModel m) {
    try (RawOrt raw = RawOrt.open(env, m.onnx())) {
      Map<String, RawOrt.Reference> reference = raw.reference(m.inputs(1));
      for (int clients : config.concurrency(m.key())) {
        Measurement r =
            gate.measure(
                "raw " + m.key() + " " + clients,
                () -> raw.measure(clients, m.inputs(1), config.warmUp(), config.window(), cpu));
        record(Row.measured(m.key(), Row.RAW, Row.NONE, clients, 1, r));
      }
      if (m.key().equals("mlp")) {
        Measurement r =
            gate.measure(
                "raw mlp batch " + MLP_BATCH,
                () -> raw.measure(1, m.inputs(MLP_BATCH), config.warmUp(), config.window(), cpu));
        record(Row.measured(m.key(), Row.RAW, Row.NONE, 1, MLP_BATCH, r));
      }
      return reference;
    } catch (Exception e) {
      progress("raw " + m.key() + " failed: " + e);
      for (int clients : config.concurrency(m.key())) {
        results.add(
            Row.unavailable(
                m.key(), Row.RAW, Row.NONE, clients, 1, "raw ORT failed: " + e.getMessage()));
      }
      return Map.of();
    }
  }

  /** One deployment (model, batching on or off), measured on each protocol and client count. */
  private void measureDeployment(
      NodeApi api,
      HttpLoad load,
      BenchModel model,
      boolean batching,
      Map<String, RawOrt.Reference> reference)
      throws InterruptedException {
    String batchingLabel = batching ? "on" : "off";
    String name = model.key() + (batching ? "-batch" : "-nobatch");
    progress("deploying " + name);
    NodeApi.Deployed d;
    try {
      api.upload(name, model.onnx());
      d = api.deploy(name, batching, config.readyTimeout());
    } catch (IOException e) {
      d = new NodeApi.Deployed(name, "management call failed: " + e.getMessage(), null);
    }
    if (d.note() != null) {
      results.note(name + ": " + d.note());
    }
    try {
      for (String p : config.protocols()) {
        Requests.Protocol protocol = Requests.Protocol.parse(p);
        byte[] request =
            Requests.infer(protocol, ServedNode.HOST, load.port(), name, model.inputs(1));
        String problem =
            d.problem() != null ? d.problem() : load.check(protocol, request, reference);
        if (problem != null) {
          progress(name + " " + protocol.label + ": n/a (" + problem + ")");
        }
        for (int clients : config.concurrency(model.key())) {
          if (problem != null) {
            results.add(
                Row.unavailable(model.key(), protocol.label, batchingLabel, clients, 1, problem));
          } else {
            try {
              Measurement m =
                  gate.measure(
                      name + " " + protocol.label + " " + clients,
                      () -> load.measure(clients, 1, request, config.warmUp(), config.window()));
              record(Row.measured(model.key(), protocol.label, batchingLabel, clients, 1, m));
            } catch (RuntimeException e) {
              // A client that could not connect, or a server that stopped answering: say so, go on.
              progress(name + " " + protocol.label + " " + clients + " failed: " + e.getMessage());
              results.add(
                  Row.unavailable(
                      model.key(),
                      protocol.label,
                      batchingLabel,
                      clients,
                      1,
                      "measurement failed: " + e.getMessage()));
            }
          }
        }
      }
    } finally {
      // Whatever happened, the next condition gets the CPU to itself.
      try {
        api.remove(name);
      } catch (IOException e) {
        progress("could not remove " + name + ": " + e.getMessage());
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

  private void record(Row row) {
    results.add(row);
    progress(describe(row.model(), row));
  }

  private static String describe(String what, Row r) {
    Measurement m = r.measurement();
    return String.format(
        Locale.ROOT,
        "%-8s %-20s batching %-3s clients %3d batch %2d: %10.1f inf/s %10.1f rows/s"
            + "  p50 %9.0f µs  p99 %9.0f µs  errors %d  other CPU %.2f",
        what,
        r.path(),
        r.batching(),
        r.clients(),
        r.batch(),
        m.opsPerSecond(),
        m.rowsPerSecond(),
        m.p50Micros(),
        m.p99Micros(),
        m.errors(),
        m.otherCores());
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

  private static void progress(String line) {
    System.err.println("[bench] " + line);
  }
}
