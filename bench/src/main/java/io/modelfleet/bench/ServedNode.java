package io.modelfleet.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A ModelFleet node in its own JVM, started the way an operator starts one (the built jar, its lib
 * folder, MODELFLEET_* environment variables) on a fresh data directory, with its log in a file
 * next to the report, HTTP and gRPC on free ports of 127.0.0.1. The node's default ORT session
 * options are set to the bench's too (2 intra-op, 1 inter-op), so a deployment that cannot say
 * {@code ort} still runs with the raw baseline's options. Its first administrator key is {@link
 * BenchKey}'s.
 */
public final class ServedNode implements AutoCloseable {

  public static final String HOST = "127.0.0.1";
  private static final String JAR = "cluster-node/target/cluster-node-0.1.0-SNAPSHOT.jar";
  private static final String LIB = "cluster-node/target/lib";
  private static final long STOP_TIMEOUT_MS = 30_000;

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final int port;
  private final int grpcPort;

  private ServedNode(Process process, Path dataDir, Path log, int port, int grpcPort) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
    this.grpcPort = grpcPort;
  }

  /** Starts the node; its stdout and stderr go to {@code log}, replaced if it exists. */
  public static ServedNode start(Path root, List<String> jvmOptions, Path log) throws IOException {
    Path jar = root.resolve(JAR);
    if (!Files.isRegularFile(jar) || !Files.isDirectory(root.resolve(LIB))) {
      throw new IllegalStateException(
          jar + " or " + LIB + " is missing; build first: ./mvnw -B -q -DskipTests package");
    }
    int port = freePort();
    int grpcPort = freePort();
    Path dataDir = Files.createTempDirectory("modelfleet-bench-");
    Files.createDirectories(log.getParent());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dmodelfleet.ort.intra-op-threads=" + RawOrt.INTRA_OP_THREADS);
    cmd.add("-Dmodelfleet.ort.inter-op-threads=" + RawOrt.INTER_OP_THREADS);
    cmd.add("-cp");
    // The JVM expands lib/* itself, which keeps the command line short.
    cmd.add(jar + File.pathSeparator + root.resolve(LIB) + "/*");
    cmd.add("io.modelfleet.node.Main");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("MODELFLEET_DATA_DIR", dataDir.toString());
    pb.environment().put("MODELFLEET_HTTP_PORT", Integer.toString(port));
    pb.environment().put("MODELFLEET_HTTP_HOST", HOST);
    pb.environment().put("MODELFLEET_REMOTE_PORT", "0");
    pb.environment().put("MODELFLEET_METRICS_PORT", "0");
    pb.environment().put("MODELFLEET_GRPC_PORT", Integer.toString(grpcPort));
    pb.environment().put("MODELFLEET_DEMO_MODEL", "false");
    pb.environment().put("MODELFLEET_DEVICES", "cpu-only");
    pb.environment().put(BenchKey.ENV, BenchKey.secret());
    return new ServedNode(pb.start(), dataDir, log, port, grpcPort);
  }

  public int port() {
    return port;
  }

  /** The port of the node's OIP gRPC service (inference.GRPCInferenceService). */
  public int grpcPort() {
    return grpcPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last lines of the node's log, for a failure message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Polls {@code GET /v2/health/ready} until 200. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] probe = MiniHttpClient.request("GET", "/v2/health/ready", HOST, port, null, null);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the node exited with "
                + process.exitValue()
                + "; log "
                + log
                + " ends:\n"
                + logTail(40));
      }
      try (MiniHttpClient c = new MiniHttpClient(HOST, port, 5_000)) {
        int status = c.exchange(probe);
        if (status == 200) {
          return;
        }
        last = c.describe(status);
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the node was not ready within "
            + timeout
            + " ("
            + last
            + "); log "
            + log
            + " ends:\n"
            + logTail(40));
  }

  /** SIGTERM, then SIGKILL if it does not stop; removes the data directory (the log stays). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + dataDir + ": " + e.getMessage());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
