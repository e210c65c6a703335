package io.modelfleet.bench;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency of the cluster hop: p50 of a request whose replica is on the gateway's own node
 * against one whose replica is on another node. Starts an embedded PostgreSQL in this JVM and two
 * node processes sharing it (A: gateway and worker, B: worker only), deploys two one-replica copies
 * of the tiny model until one lands on A and one on B, and measures both through A's gateway with
 * one client, binary protocol, batch 1: local, remote, local, remote, the better p50 of each kept.
 * Report to stdout and bench/target/results/hop.md; node logs next to it.
 *
 * <p>Properties: {@code bench.root} (repository root), {@code bench.warmup.s} (2), {@code
 * bench.window.s} (5), {@code bench.rounds} (2), {@code bench.node.jvm} (-Xmx2g), {@code
 * bench.ready.s} (120).
 */
public final class HopBench {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String HOST = ServedNode.HOST;
  private static final String JAR = "cluster-node/target/cluster-node-0.1.0-SNAPSHOT.jar";
  private static final String LIB = "cluster-node/target/lib";
  static final double TARGET_US = 200;
  private static final int MAX_DEPLOY_TRIES = 4;

  /**
   * How long a placement must hold before it is measured: longer than the controller's 5 s resync.
   */
  private static final Duration STABLE = Duration.ofSeconds(8);

  private final Path root;
  private final Duration warmUp;
  private final Duration window;
  private final int rounds;
  private final Duration readyTimeout;

  /** The model deployed with one replica on each node. */
  private static final String BOTH = "hop-both";

  private final List<String> nodeJvm;
  private final Path results;

  /**
   * What one hop measurement found: the report section, and the best-round p50 of the local and the
   * remote path (the main bench's hop target reads them).
   */
  public record Outcome(String report, double localP50Micros, double remoteP50Micros) {}

  HopBench(
      Path root,
      Duration warmUp,
      Duration window,
      int rounds,
      Duration readyTimeout,
      List<String> nodeJvm) {
    this.root = root.toAbsolutePath();
    this.warmUp = warmUp;
    this.window = window;
    this.rounds = rounds;
    this.readyTimeout = readyTimeout;
    this.nodeJvm = List.copyOf(nodeJvm);
    this.results = this.root.resolve("bench/target/results");
  }

  private static HopBench fromSystemProperties() {
    return new HopBench(
        Path.of(System.getProperty("bench.root", ".")),
        Duration.ofMillis(
            (long) (Double.parseDouble(System.getProperty("bench.warmup.s", "2")) * 1000)),
        Duration.ofMillis(
            (long) (Double.parseDouble(System.getProperty("bench.window.s", "5")) * 1000)),
        Integer.getInteger("bench.rounds", 2),
        Duration.ofSeconds(Integer.getInteger("bench.ready.s", 120)),
        List.of(System.getProperty("bench.node.jvm", "-Xmx2g").trim().split("\\s+")));
  }

  public static void main(String[] args) throws Exception {
    BenchLogging.quiet();
    HopBench b = fromSystemProperties();
    String report = b.run().report();
    System.out.println(report);
    Path out = b.results.resolve("hop.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.err.println("report written to " + out);
  }

  /** Starts the cluster, measures, stops everything (also on failure). */
  Outcome run() throws Exception {
    Path jar = root.resolve(JAR);
    if (!Files.isRegularFile(jar) || !Files.isDirectory(root.resolve(LIB))) {
      throw new IllegalStateException(
          jar + " or " + LIB + " is missing; build first: ./mvnw -B -q -DskipTests package");
    }
    Files.createDirectories(results);
    List<HopNode> nodes = new ArrayList<>();
    EmbeddedPostgres pg = null;
    Thread hook = new Thread(() -> nodes.forEach(n -> n.process.destroyForcibly()));
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      progress("starting embedded PostgreSQL");
      pg = EmbeddedPostgres.builder().start();
      String dbUrl = pg.getJdbcUrl("postgres", "postgres");
      int portA = freePort();
      int portB = freePort();
      int httpPort = freePort();
      String seed = "pekko://modelfleet@" + HOST + ":" + portA;
      nodes.add(
          HopNode.start(
              root, nodeJvm, results, "A", "gateway,worker", portA, httpPort, seed, dbUrl));
      nodes.add(
          HopNode.start(root, nodeJvm, results, "B", "worker", portB, freePort(), seed, dbUrl));
      awaitMembers(nodes, httpPort);
      progress(
          "cluster up: A (gateway,worker) remote port "
              + portA
              + ", B (worker) remote port "
              + portB
              + ", A's HTTP port "
              + httpPort);
      return measure(nodes, httpPort, portA);
    } finally {
      for (HopNode n : nodes) {
        n.process.destroy();
      }
      for (HopNode n : nodes) {
        n.stop();
      }
      if (pg != null) {
        pg.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down.
      }
      progress("nodes and PostgreSQL stopped");
    }
  }

  /** Until A's GET /v1/cluster/members lists two members, both Up and with their devices known. */
  private void awaitMembers(List<HopNode> nodes, int httpPort) throws InterruptedException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (HopNode n : nodes) {
        if (!n.process.isAlive()) {
          throw new IllegalStateException(
              "node "
                  + n.name
                  + " exited with "
                  + n.process.exitValue()
                  + "; log "
                  + n.log
                  + " ends:\n"
                  + n.logTail(40));
        }
      }
      try {
        JsonNode members = ReplicaSideStats.get(httpPort, "/v1/cluster/members").path("members");
        int up = 0;
        for (JsonNode m : members) {
          // Devices too: until B has published its devices the controller places nothing on it.
          if ("Up".equals(m.path("status").asText()) && m.path("devices").size() > 0) {
            up++;
          }
        }
        if (members.size() == 2 && up == 2) {
          return;
        }
        last = members.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the cluster did not have 2 members Up with devices within "
            + readyTimeout
            + " ("
            + last
            + "); node A's log ends:\n"
            + nodes.get(0).logTail(40));
  }

  private Outcome measure(List<HopNode> nodes, int httpPort, int portA) throws Exception {
    BenchModel tiny = BenchModels.tiny();
    OrtEnvironment env = RawOrt.environment();
    Map<String, RawOrt.Reference> reference;
    try (RawOrt raw = RawOrt.open(env, tiny.onnx())) {
      reference = raw.reference(tiny.inputs(1));
    }
    String suffix = ":" + portA;
    String local = null;
    String remote = null;
    List<String> deployed = new ArrayList<>();
    Map<String, String> where = Map.of();
    try (NodeApi api = new NodeApi(httpPort)) {
      for (int i = 1; i <= MAX_DEPLOY_TRIES && (local == null || remote == null); i++) {
        String name = "hop-" + i;
        api.upload(name, tiny.onnx());
        NodeApi.Deployed d = api.deploy(name, false, readyTimeout);
        if (d.problem() != null) {
          throw new IllegalStateException(name + ": " + d.problem());
        }
        deployed.add(name);
        if (deployed.size() < 2) {
          continue;
        }
        // The controller may still move replicas for balance right after placing them: decide
        // only on a placement that has held for a while.
        where = stablePlacement(httpPort, deployed);
        progress("placement: " + where);
        local = null;
        remote = null;
        for (Map.Entry<String, String> e : where.entrySet()) {
          if (e.getValue().endsWith(suffix)) {
            local = local == null ? e.getKey() : local;
          } else {
            remote = remote == null ? e.getKey() : remote;
          }
        }
      }
    }
    List<String> placements = new ArrayList<>();
    where.forEach((m, n) -> placements.add(m + " → " + n));
    if (local == null || remote == null) {
      throw new IllegalStateException(
          "could not get one replica on each node in "
              + MAX_DEPLOY_TRIES
              + " deployments: "
              + placements);
    }
    // A model with a replica on each node: what a client sees when the gateway may choose, with
    // the node's prefer-local-replicas setting (on by default).
    try (NodeApi api = new NodeApi(httpPort)) {
      api.upload(BOTH, tiny.onnx());
      String problem = api.deploySpread(BOTH, 2, readyTimeout);
      if (problem != null) {
        throw new IllegalStateException(BOTH + ": " + problem);
      }
    }
    placements.add(BOTH + " → one replica on each node");

    CpuMonitor cpu =
        new CpuMonitor(
            List.of(
                ProcessHandle.current().pid(),
                nodes.get(0).process.pid(),
                nodes.get(1).process.pid()));
    HttpLoad load = new HttpLoad(httpPort, cpu);
    Map<String, byte[]> requests = new LinkedHashMap<>();
    requests.put(
        "local replica",
        Requests.infer(Requests.Protocol.BINARY, HOST, httpPort, local, tiny.inputs(1)));
    requests.put(
        "remote replica",
        Requests.infer(Requests.Protocol.BINARY, HOST, httpPort, remote, tiny.inputs(1)));
    requests.put(
        "one replica per node",
        Requests.infer(Requests.Protocol.BINARY, HOST, httpPort, BOTH, tiny.inputs(1)));
    for (Map.Entry<String, byte[]> e : requests.entrySet()) {
      String problem = load.check(Requests.Protocol.BINARY, e.getValue(), reference);
      if (problem != null) {
        throw new IllegalStateException(e.getKey() + " answered wrongly: " + problem);
      }
    }
    Map<String, List<Measurement>> runs = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (Map.Entry<String, byte[]> e : requests.entrySet()) {
        Measurement m = load.measure(1, 1, e.getValue(), warmUp, window);
        runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(m);
        progress(
            String.format(
                Locale.ROOT,
                "round %d %-14s %8.0f req/s  p50 %6.0f µs  p99 %6.0f µs  errors %d  other CPU %.2f",
                round,
                e.getKey(),
                m.opsPerSecond(),
                m.p50Micros(),
                m.p99Micros(),
                m.errors(),
                m.otherCores()));
        if (m.errors() > 0) {
          progress("first error: " + m.firstError());
        }
      }
    }
    Map<String, String> after = stablePlacement(httpPort, List.of(local, remote));
    String moved =
        after.get(local).equals(where.get(local)) && after.get(remote).equals(where.get(remote))
            ? null
            : "placement changed during the measurement: now " + after;
    String serverSide =
        ReplicaSideStats.replicaSide(
            httpPort,
            Map.of("local replica", local, "remote replica", remote, "one replica per node", BOTH));
    String report =
        new HopReport(nodeJvm, warmUp, window, rounds)
                .render(
                    runs,
                    placements,
                    local,
                    remote,
                    portA,
                    List.of(nodes.get(0).log, nodes.get(1).log),
                    moved)
            + serverSide;
    return new Outcome(
        report, bestP50(runs.get("local replica")), bestP50(runs.get("remote replica")));
  }

  private static double bestP50(List<Measurement> rounds) {
    return rounds.stream().mapToDouble(Measurement::p50Micros).min().orElse(Double.NaN);
  }

  /**
   * Model → node of its one replica, once every model has exactly one replica, READY, and that has
   * not changed for {@link #STABLE} (a rebalancing moves replicas for a few seconds after a
   * placement).
   */
  private Map<String, String> stablePlacement(int httpPort, List<String> models)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    Map<String, String> last = null;
    long since = 0;
    while (System.nanoTime() < deadline) {
      Map<String, String> now = new LinkedHashMap<>();
      for (String m : models) {
        JsonNode replicas = ReplicaSideStats.get(httpPort, "/v1/models/" + m).path("replicas");
        if (replicas.size() == 1 && "READY".equals(replicas.get(0).path("state").asText())) {
          now.put(m, replicas.get(0).path("node").asText());
        }
      }
      if (now.size() != models.size()) {
        last = null;
      } else if (!now.equals(last)) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= STABLE.toNanos()) {
        return now;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the placement of "
            + models
            + " did not settle within "
            + readyTimeout
            + " (last "
            + last
            + ")");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void progress(String line) {
    System.err.println("[hop] " + line);
  }
}
