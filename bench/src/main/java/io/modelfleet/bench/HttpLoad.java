package io.modelfleet.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Closed-loop HTTP load: each client thread owns one keep-alive connection and sends one
 * pre-serialised request after another. Any answer but 200 counts as an error.
 */
public final class HttpLoad {

  /** Far above any latency here; a request slower than this is a hung server. */
  private static final int SOCKET_TIMEOUT_MS = 60_000;

  private final int port;
  private final CpuMonitor cpu;

  public HttpLoad(int port, CpuMonitor cpu) {
    this.port = port;
    this.cpu = cpu;
  }

  public int port() {
    return port;
  }

  /**
   * The load generator's ceiling against the node: {@code GET /v2/health/live}, which does no work.
   */
  public Measurement ceiling(int clients, Duration warmUp, Duration window)
      throws InterruptedException {
    return measure(
        clients,
        1,
        MiniHttpClient.request("GET", "/v2/health/live", ServedNode.HOST, port, null, null),
        warmUp,
        window);
  }

  /** The same request against another port (the bench's own canned-answer server). */
  public HttpLoad on(int otherPort) {
    return new HttpLoad(otherPort, cpu);
  }

  public Measurement measure(
      int clients, int rowsPerRequest, byte[] request, Duration warmUp, Duration window)
      throws InterruptedException {
    return LoadRunner.run(
        clients,
        rowsPerRequest,
        thread -> {
          MiniHttpClient c = new MiniHttpClient(ServedNode.HOST, port, SOCKET_TIMEOUT_MS);
          return new LoadRunner.Op() {
            @Override
            public void call() throws IOException {
              int status = c.exchange(request);
              if (status != 200) {
                throw new IOException("HTTP " + c.describe(status));
              }
            }

            @Override
            public void close() {
              c.close();
            }
          };
        },
        warmUp,
        window,
        cpu);
  }

  /**
   * Sends one request on a fresh connection and checks its answer against the raw session's; null
   * when right, else what is wrong. A protocol is only measured after it passes.
   */
  public String check(
      Requests.Protocol protocol, byte[] request, Map<String, RawOrt.Reference> expected) {
    try (MiniHttpClient c = new MiniHttpClient(ServedNode.HOST, port, SOCKET_TIMEOUT_MS)) {
      int status = c.exchange(request);
      return ResponseCheck.problem(protocol, status, c.response(), expected);
    } catch (IOException e) {
      return "request failed: " + e;
    }
  }
}
