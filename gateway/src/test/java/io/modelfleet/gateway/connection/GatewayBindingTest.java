package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.routing.ClientGone;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The listener on its own, over real loopback sockets, with a handler that answers "ok". */
class GatewayBindingTest {
  static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "gateway-binding-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static GatewayBinding bind(int maxConnections, Duration handlerDelay) throws Exception {
    return bind(maxConnections, handlerDelay, Duration.ofSeconds(5));
  }

  private static GatewayBinding bind(int maxConnections, Duration handlerDelay, Duration timeouts)
      throws Exception {
    Flow<HttpRequest, HttpResponse, NotUsed> handler =
        Flow.<HttpRequest>create()
            .mapAsync(
                1,
                req -> {
                  req.discardEntityBytes(system);
                  return CompletableFuture.supplyAsync(
                      () -> HttpResponse.create().withEntity("ok"),
                      CompletableFuture.delayedExecutor(
                          handlerDelay.toMillis(), TimeUnit.MILLISECONDS));
                });
    return bind(maxConnections, timeouts, handler);
  }

  private static GatewayBinding bind(
      int maxConnections, Duration timeouts, Flow<HttpRequest, HttpResponse, NotUsed> handler)
      throws Exception {
    TransportSettings transport =
        new TransportSettings(
            maxConnections,
            timeouts,
            timeouts,
            1024,
            timeouts,
            Duration.ofSeconds(30),
            1024,
            Duration.ofSeconds(3));
    return GatewayBinding.bind(
            system,
            "127.0.0.1",
            0,
            ServerSettings.create(system.settings().config()),
            transport,
            handler)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static final byte[] GET =
      "GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Reads until the response's "ok" body (or the end); returns what came. */
  private static String readResponse(Socket s) throws IOException {
    StringBuilder got = new StringBuilder();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[1024];
    while (!got.toString().endsWith("\r\n\r\nok")) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    return got.toString();
  }

  @Test
  void pastMaxConnectionsANewConnectionWaitsUntilOneCloses() throws Exception {
    GatewayBinding binding = bind(3, Duration.ZERO);
    InetSocketAddress address = binding.localAddress();
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket();
        s.connect(address, 2000);
        s.getOutputStream().write(GET);
        assertTrue(readResponse(s).startsWith("HTTP/1.1 200"));
        held.add(s);
      }
      try (Socket fourth = new Socket()) {
        fourth.connect(address, 2000); // the kernel's backlog takes it
        fourth.setSoTimeout(1000);
        fourth.getOutputStream().write(GET);
        assertThrows(
            SocketTimeoutException.class,
            () -> fourth.getInputStream().read(),
            "a fourth connection is not served while three are open");
        held.remove(0).close();
        fourth.setSoTimeout(5000);
        assertTrue(
            readResponse(fourth).startsWith("HTTP/1.1 200"), "served once one of the three closed");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
      binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestBeingServedOutlivesTheHeaderAndIdleTimeouts() throws Exception {
    // Like a repository load: head and body are in, the answer takes longer than both timeouts.
    GatewayBinding binding = bind(10, Duration.ofMillis(2500), Duration.ofMillis(800));
    try (Socket s = new Socket()) {
      s.connect(binding.localAddress(), 2000);
      s.setSoTimeout(6000);
      s.getOutputStream().write(GET);
      assertTrue(readResponse(s).startsWith("HTTP/1.1 200"));
      // ... and the kept-alive connection is then closed by the idle timeout.
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read());
      long idleMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(idleMs >= 600 && idleMs < 4000, "closed " + idleMs + " ms after the response");
    } finally {
      binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void terminateClosesIdleConnectionsAtOnceAndLetsABusyOneFinish() throws Exception {
    GatewayBinding binding = bind(100, Duration.ofMillis(800));
    InetSocketAddress address = binding.localAddress();
    try (Socket idle = new Socket();
        Socket busy = new Socket()) {
      idle.connect(address, 2000);
      idle.getOutputStream().write(GET);
      assertTrue(readResponse(idle).startsWith("HTTP/1.1 200"));
      busy.connect(address, 2000);
      busy.getOutputStream().write(GET);
      Thread.sleep(200); // the busy request is being served

      long t0 = System.nanoTime();
      CompletableFuture<Void> stopped =
          binding.terminate(Duration.ofSeconds(10)).toCompletableFuture();
      idle.setSoTimeout(2000);
      assertEquals(-1, idle.getInputStream().read(), "the idle connection is closed");
      busy.setSoTimeout(10_000);
      String answer = readResponse(busy);
      assertTrue(
          answer.startsWith("HTTP/1.1 200") && answer.toLowerCase().contains("connection: close"),
          answer);
      stopped.get(15, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      // The busy request takes 0.8 s; the deadline is far enough away that a loaded machine
      // cannot blur the two.
      assertTrue(tookMs < 8000, "stopped after " + tookMs + " ms, not at the 10 s deadline");
    }
  }

  /**
   * A handler that watches its request's {@link ClientGone} and answers after {@code delay}; {@code
   * seen} completes with "gone" when the signal fired while the request was in flight.
   */
  private static Flow<HttpRequest, HttpResponse, NotUsed> watching(
      Duration delay, CompletableFuture<String> arrived, CompletableFuture<String> seen) {
    return Flow.<HttpRequest>create()
        .mapAsync(
            1,
            req -> {
              req.discardEntityBytes(system);
              ClientGone.Watch watch = ClientGone.of(req).watch(() -> seen.complete("gone"));
              arrived.complete("arrived");
              return CompletableFuture.supplyAsync(
                  () -> {
                    watch.close();
                    return HttpResponse.create().withEntity("ok");
                  },
                  CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
            });
  }

  @Test
  void aClientThatClosesItsConnectionMidRequestIsSeenGone() throws Exception {
    CompletableFuture<String> arrived = new CompletableFuture<>();
    CompletableFuture<String> seen = new CompletableFuture<>();
    GatewayBinding binding =
        bind(10, Duration.ofSeconds(20), watching(Duration.ofSeconds(10), arrived, seen));
    try (Socket s = new Socket()) {
      s.connect(binding.localAddress(), 2000);
      s.getOutputStream().write(GET);
      arrived.get(5, TimeUnit.SECONDS);
    }
    assertEquals(
        "gone",
        seen.get(3, TimeUnit.SECONDS),
        "the request learns its client went away long before its 10 s answer");
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatWaitsForItsAnswerIsNotSeenGoneAndItsConnectionStaysUsable() throws Exception {
    CompletableFuture<String> arrived = new CompletableFuture<>();
    CompletableFuture<String> seen = new CompletableFuture<>();
    GatewayBinding binding =
        bind(10, Duration.ofSeconds(20), watching(Duration.ofMillis(300), arrived, seen));
    try (Socket s = new Socket()) {
      s.connect(binding.localAddress(), 2000);
      s.getOutputStream().write(GET);
      assertTrue(readResponse(s).startsWith("HTTP/1.1 200"));
      s.getOutputStream().write(GET);
      assertTrue(readResponse(s).startsWith("HTTP/1.1 200"), "keep-alive still serves");
    }
    Thread.sleep(500);
    assertTrue(!seen.isDone(), "closing after the answers fires no watcher: none is in flight");
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
