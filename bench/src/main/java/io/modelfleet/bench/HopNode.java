package io.modelfleet.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A node process of {@link HopBench}, with its own data directory and log. */
final class HopNode {
  private static final String JAR = "cluster-node/target/cluster-node-0.1.0-SNAPSHOT.jar";
  private static final String LIB = "cluster-node/target/lib";

  final String name;
  final Process process;
  final Path dataDir;
  final Path log;
  final int remotePort;

  HopNode(String name, Process process, Path dataDir, Path log, int remotePort) {
    this.name = name;
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.remotePort = remotePort;
  }

  /**
   * Starts node {@code name} from the built jar with {@code roles}, its remote (Artery) and HTTP
   * ports, the seed node and the shared database; its log goes to {@code results}.
   */
  static HopNode start(
      Path root,
      List<String> nodeJvm,
      Path results,
      String name,
      String roles,
      int remotePort,
      int httpPort,
      String seed,
      String dbUrl)
      throws IOException {
    Path dataDir = Files.createTempDirectory("modelfleet-hop-" + name + "-");
    Path log = results.resolve("hop-node-" + name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(nodeJvm);
    cmd.add("-Dmodelfleet.ort.intra-op-threads=" + RawOrt.INTRA_OP_THREADS);
    cmd.add("-Dmodelfleet.ort.inter-op-threads=" + RawOrt.INTER_OP_THREADS);
    cmd.add("-cp");
    cmd.add(root.resolve(JAR) + File.pathSeparator + root.resolve(LIB) + "/*");
    cmd.add("io.modelfleet.node.Main");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("MODELFLEET_DATA_DIR", dataDir.toString());
    env.put("MODELFLEET_HTTP_PORT", Integer.toString(httpPort));
    env.put("MODELFLEET_HTTP_HOST", ServedNode.HOST);
    env.put("MODELFLEET_METRICS_PORT", "0");
    env.put("MODELFLEET_GRPC_PORT", "0");
    env.put("MODELFLEET_REMOTE_HOST", ServedNode.HOST);
    env.put("MODELFLEET_REMOTE_PORT", Integer.toString(remotePort));
    env.put("MODELFLEET_SEED_NODES", seed);
    env.put("MODELFLEET_DB_URL", dbUrl);
    env.put("MODELFLEET_DB_USER", "postgres");
    env.put("MODELFLEET_DEVICES", "cpu-only");
    env.put("MODELFLEET_DEMO_MODEL", "false");
    env.put("MODELFLEET_ROLES", roles);
    env.put(BenchKey.ENV, BenchKey.secret());
    System.err.println("[hop] starting node " + name + " (" + roles + "), log " + log);
    return new HopNode(name, pb.start(), dataDir, log, remotePort);
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + dataDir + ": " + e.getMessage());
    }
  }
}
