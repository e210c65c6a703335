package io.modelfleet.node.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM, started with {@code io.modelfleet.node.Main} and configured only through
 * MODELFLEET_* environment variables, exactly as an operator would. {@link #terminate} sends
 * SIGTERM; {@link #kill} sends SIGKILL. Its first administrator key is {@link TestKeys#ADMIN}
 * (MODELFLEET_BOOTSTRAP_ADMIN_KEY) unless {@code env} names another, or "" to have the node
 * generate one into its data directory.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int httpPort;

  private NodeProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Ports already handed out: a port picked for a node that starts later is free until then. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** A free port not handed out before in this JVM. */
  public static int freePort() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static NodeProcess start(Path dataDir, Map<String, String> env) {
    return start(dataDir, env, List.of("-Xmx512m"));
  }

  /**
   * As {@link #start(Path, Map)}, with the JVM options {@code jvmArgs} (for example {@code
   * -Xmx256m}) instead of -Xmx512m.
   */
  public static NodeProcess start(Path dataDir, Map<String, String> env, List<String> jvmArgs) {
    int port = freePort();
    try {
      Files.createDirectories(dataDir);
      Path log = Files.createTempFile("modelfleet-node-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmArgs);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.modelfleet.node.Main"));
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment()
          .putAll(
              Map.of(
                  "MODELFLEET_DATA_DIR",
                  dataDir.toString(),
                  "MODELFLEET_HTTP_HOST",
                  "127.0.0.1",
                  "MODELFLEET_HTTP_PORT",
                  Integer.toString(port),
                  "MODELFLEET_REMOTE_PORT",
                  "0",
                  "MODELFLEET_METRICS_PORT",
                  "0",
                  "MODELFLEET_GRPC_PORT",
                  "0",
                  "MODELFLEET_DEVICES",
                  "cpu-only",
                  TestKeys.ENV,
                  TestKeys.ADMIN));
      pb.environment().putAll(env);
      return new NodeProcess(pb.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The base URL of a node started with an HTTPS key store. */
  public String httpsUrl() {
    return "https://127.0.0.1:" + httpPort;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit status of a process that has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Waits until the node's log contains {@code text} (the log is written asynchronously, so a line
   * about something already done may appear a little later); false after {@code timeout}.
   */
  public boolean awaitLog(String text, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!log().contains(text)) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** SIGTERM, then waits for the process to exit; returns its exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "node did not stop within " + timeout + " after SIGTERM; log:\n" + log());
    }
    return process.exitValue();
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
