package io.modelfleet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The trivial server of issue 12's health-check comparison: {@link LoopbackServer} in a JVM of its
 * own on the same loopback, so that its CPU time per request is read from /proc exactly like the
 * node's. Whatever the node spends per {@code GET /v2/health/live} beyond this is its own HTTP
 * stack's cost.
 */
public final class TrivialServer implements AutoCloseable {

  private static final List<String> JVM = List.of("-Xmx64m", "-XX:+UseSerialGC");

  private final Process process;
  private final int port;

  private TrivialServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts it with the bench's own class path and waits for the port it prints. */
  public static TrivialServer start() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LoopbackServer.class.getName());
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    String line = out.readLine();
    if (line == null) {
      p.destroyForcibly();
      throw new IOException("the trivial server exited before it printed its port");
    }
    return new TrivialServer(p, Integer.parseInt(line.trim()));
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
