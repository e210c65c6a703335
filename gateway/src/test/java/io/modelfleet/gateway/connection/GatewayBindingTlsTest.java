package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener with HTTPS on, over real loopback sockets: it serves HTTPS, refuses plain HTTP, and
 * its header timeout still closes a client that is slow, whether in its handshake or its head.
 */
class GatewayBindingTlsTest {
  private static final String PASSWORD = "binding-pass";
  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(800);

  @TempDir static Path dir;
  static ActorSystem<Void> system;
  static GatewayBinding binding;
  static SSLContext client;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "gateway-binding-tls-test");
    Path store = TestKeyStores.create(dir.resolve("server.p12"), PASSWORD);
    client = TestKeyStores.trusting(store, PASSWORD);
    TransportSettings transport =
        new TransportSettings(
            10,
            HEADER_TIMEOUT,
            Duration.ofSeconds(5),
            1024,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            1024,
            Duration.ofSeconds(3));
    Flow<
            org.apache.pekko.http.javadsl.model.HttpRequest,
            org.apache.pekko.http.javadsl.model.HttpResponse,
            NotUsed>
        handler =
            Flow.<org.apache.pekko.http.javadsl.model.HttpRequest>create()
                .mapAsync(
                    1,
                    req -> {
                      req.discardEntityBytes(system);
                      return CompletableFuture.completedFuture(
                          org.apache.pekko.http.javadsl.model.HttpResponse.create()
                              .withEntity("ok " + req.getUri().path()));
                    });
    binding =
        GatewayBinding.bind(
                system,
                "127.0.0.1",
                0,
                ServerSettings.create(system.settings().config()),
                transport,
                GatewayTls.open(store, "PKCS12", PASSWORD),
                handler)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
  }

  private static URI uri(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + binding.localAddress().getPort() + path);
  }

  @Test
  void servesHttpsToAClientThatTrustsTheCertificate() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(client).build();
    for (int i = 0; i < 3; i++) { // several requests on one kept-alive connection
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri("https", "/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("ok /v2/health/ready", r.body());
    }
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(uri("https", "/p"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, posted.statusCode());
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateFailsItsHandshake() {
    HttpClient http = HttpClient.newHttpClient();
    assertThrows(
        IOException.class,
        () ->
            http.send(
                HttpRequest.newBuilder(uri("https", "/")).build(),
                HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void plainHttpGetsNoHttpAnswer() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(binding.localAddress(), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String got = readAll(s.getInputStream());
      assertFalse(got.startsWith("HTTP/"), "plain HTTP must not be served: " + got);
    }
    HttpClient http = HttpClient.newHttpClient();
    assertThrows(
        IOException.class,
        () ->
            http.send(
                HttpRequest.newBuilder(uri("http", "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aConnectionThatNeverStartsItsHandshakeIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(binding.localAddress(), 2000);
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      assertEquals(-1, readEnd(s.getInputStream()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= HEADER_TIMEOUT.toMillis() - 100 && ms < 4000, "closed after " + ms + " ms");
    }
  }

  @Test
  void aSlowHeadAfterTheHandshakeIsClosedAtTheHeaderTimeout() throws Exception {
    InetSocketAddress a = binding.localAddress();
    // The header timeout runs from the connection's start, handshake included (a slow handshake
    // on a loaded machine leaves less of it for the head).
    long start = System.nanoTime();
    try (SSLSocket s =
        (SSLSocket) client.getSocketFactory().createSocket(a.getHostString(), a.getPort())) {
      s.setSoTimeout(5000);
      s.startHandshake();
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: t\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertEquals(-1, readEnd(s.getInputStream()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= HEADER_TIMEOUT.toMillis() - 100 && ms < 4000, "closed after " + ms + " ms");
    }
  }

  /** Reads to the end; -1 when the connection ended (a reset counts as an end). */
  private static int readEnd(InputStream in) {
    byte[] buf = new byte[1024];
    try {
      while (in.read(buf) >= 0) {
        // discard: an alert or nothing
      }
    } catch (java.net.SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static String readAll(InputStream in) {
    StringBuilder got = new StringBuilder();
    byte[] buf = new byte[1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      // a reset after the alert: the end
    }
    return got.toString();
  }
}
