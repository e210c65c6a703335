package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static io.modelfleet.node.testing.RawConnections.askEach;
import static io.modelfleet.node.testing.RawConnections.awaitAllClosed;
import static io.modelfleet.node.testing.RawConnections.countOpen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.RawResponse;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, point 3 and the HTTP edges of point 7, over real loopback sockets against one node: idle
 * and slow-head connections cannot lock a normal client out, each kind is closed by its own
 * timeout, a trickled body gets 408, compressed bodies are decoded (and bounded after decoding),
 * and request ids in UTF-8 come back intact while malformed bytes get a 400 at once.
 */
class ConnectionLimitsIT {
  // Long enough for this test to open every slow-head connection before the first one's head
  // time runs out: a loaded 2-core machine accepts only about 100 connections a second.
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(8);
  private static final Duration BODY_GRACE = Duration.ofSeconds(2);
  private static final int IDLE = 2000;
  private static final int SLOW = 1100;
  private static final int SILENT = 100;
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static InetSocketAddress address;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(
            TestNodes.config(
                dataDir,
                Map.of(
                    "modelfleet.gateway.header-timeout", HEADER_TIMEOUT.toMillis() + "ms",
                    "modelfleet.gateway.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms",
                    "modelfleet.gateway.body-rate-grace", BODY_GRACE.toMillis() + "ms",
                    "modelfleet.gateway.max-json-body", "1 MiB")));
    http = new Http(node.baseUrl());
    address = new InetSocketAddress("127.0.0.1", node.httpPort());
    assertEquals(201, http.put("/v1/models/lin/versions/1", TestModels.linear(W, B)).status());
    Http.Response r =
        http.post(
            "/v1/models/lin/deployments", "{\"version\":\"1\",\"replicas\":1,\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/lin", readyReplicas("1", 1), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static String inferBody(int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows * 3; i++) {
      data.append(i == 0 ? "" : ",").append(i % 7);
    }
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":["
        + rows
        + ",3],\"data\":["
        + data
        + "]}]}";
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  @Test
  void idleAndSlowHeadConnectionsDoNotLockOutANormalClientAndEachIsClosedByItsTimeout()
      throws Exception {
    List<SocketChannel> idle = new ArrayList<>();
    List<SocketChannel> slow = new ArrayList<>();
    List<SocketChannel> silent = new ArrayList<>();
    ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    try {
      // 2,000 kept-alive connections, each after one answered request, as a client pool leaves
      // them.
      long heapBefore = heapUsedMiB();
      long setup = System.nanoTime();
      long idleSince = System.nanoTime();
      for (int i = 0; i < IDLE; i += 100) {
        List<SocketChannel> batch = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
          SocketChannel c = SocketChannel.open(address);
          c.configureBlocking(false);
          batch.add(c);
        }
        idle.addAll(batch);
        if (System.nanoTime() - idleSince > IDLE_TIMEOUT.toNanos() / 2) {
          // Opening takes a while on a loaded machine: the pool uses its connections now and then.
          idleSince = askEach(idle);
        } else {
          askEach(batch);
        }
      }
      idleSince = askEach(idle);
      System.err.printf(
          "ConnectionLimitsIT: %d kept-alive connections opened and served in %d ms; heap in use %d MiB"
              + " (%d MiB before)%n",
          IDLE, (idleSince - setup) / 1_000_000, heapUsedMiB(), heapBefore);

      // 100 connections that never send a byte, and 1,100 that trickle a head a byte a second.
      long slowSince = System.nanoTime();
      for (int i = 0; i < SILENT; i++) {
        SocketChannel c = SocketChannel.open(address);
        c.configureBlocking(false);
        silent.add(c);
      }
      byte[] partial =
          "POST /v2/models/lin/infer HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < SLOW; i++) {
        SocketChannel c = SocketChannel.open(address);
        c.write(ByteBuffer.wrap(partial));
        c.configureBlocking(false);
        slow.add(c);
        if (System.nanoTime() - idleSince > IDLE_TIMEOUT.toNanos() / 2) {
          // Opening takes a while on a loaded machine: the pool uses its connections now and then.
          idleSince = askEach(idle);
        }
      }
      System.err.printf(
          "ConnectionLimitsIT: %d silent and %d slow-head connections opened in %d ms%n",
          SILENT, SLOW, (System.nanoTime() - slowSince) / 1_000_000);
      long slowOpened = System.nanoTime();
      idleSince = askEach(idle);
      int[] trickled = {0};
      trickler.scheduleAtFixedRate(
          () -> {
            trickled[0]++;
            for (SocketChannel c : slow) {
              try {
                if (c.isOpen()) {
                  c.write(ByteBuffer.wrap(new byte[] {'s'}));
                }
              } catch (IOException closedByServer) {
                // counted by isClosed below
              }
            }
          },
          0,
          1,
          TimeUnit.SECONDS);

      // A normal client is served promptly while all of them are open.
      long t0 = System.nanoTime();
      Http.Response health = http.get("/v2/health/live");
      long healthMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, health.status(), health.body());
      t0 = System.nanoTime();
      Http.Response infer = http.post("/v2/models/lin/infer", inferBody(2));
      long inferMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, infer.status(), infer.body());
      assertEquals("[2,2]", infer.json().get("outputs").get(0).get("shape").toString());
      assertTrue(
          healthMs < 2000 && inferMs < 3000,
          "health " + healthMs + " ms, inference " + inferMs + " ms");
      int openIdle = countOpen(idle);
      int openSlow = countOpen(slow);
      assertTrue(
          openIdle == IDLE && openSlow >= SLOW * 0.95,
          "the hostile connections were open while the client was served: idle "
              + openIdle
              + ", slow "
              + openSlow);

      // None closes early: just before its timeout, each kind is still open ...
      long idleCheck = idleSince + IDLE_TIMEOUT.minusSeconds(1).toNanos();
      long slowCheck = slowSince + HEADER_TIMEOUT.minusSeconds(1).toNanos();
      List<SocketChannel> firstSlow = slow.subList(0, 100);
      if (idleCheck < slowCheck) {
        sleepUntil(idleCheck);
        assertEquals(
            IDLE, countOpen(idle), "kept-alive connections closed before the idle timeout");
        sleepUntil(slowCheck);
        assertEquals(100, countOpen(firstSlow), "slow heads closed before the header timeout");
      } else {
        sleepUntil(slowCheck);
        assertEquals(100, countOpen(firstSlow), "slow heads closed before the header timeout");
        sleepUntil(idleCheck);
        assertEquals(
            IDLE, countOpen(idle), "kept-alive connections closed before the idle timeout");
      }
      // ... and each is closed soon after it, although slow heads keep trickling bytes.
      awaitAllClosed(idle, idleSince, IDLE_TIMEOUT.plusSeconds(5), "idle keep-alive");
      awaitAllClosed(silent, slowSince, HEADER_TIMEOUT.plusSeconds(5), "silent");
      awaitAllClosed(slow, slowOpened, HEADER_TIMEOUT.plusSeconds(5), "slow-head");
      assertTrue(
          trickled[0] >= HEADER_TIMEOUT.toSeconds() - 2,
          "bytes kept trickling: " + trickled[0] + " rounds");

      assertEquals(200, http.get("/v2/health/live").status());
    } finally {
      trickler.shutdownNow();
      for (List<SocketChannel> group : List.of(idle, slow, silent)) {
        for (SocketChannel c : group) {
          c.close();
        }
      }
    }
  }

  /** Rough: the heap in use after a collection, to size max-connections (printed, not asserted). */
  private static long heapUsedMiB() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) >> 20;
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long ms = (nanos - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  @Test
  void aBodyTrickledAtOneBytePerSecondGets408JsonAndTheConnectionCloses() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(address, 2000);
      s.setSoTimeout(15_000);
      s.getOutputStream()
          .write(
              ("POST /v2/models/lin/infer HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                      + TestKeys.HEADER_LINE
                      + "Content-Length: 200\r\nX-Request-Id: slow-body\r\n\r\n{\"inp")
                  .getBytes(StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
      trickler.scheduleAtFixedRate(
          () -> {
            try {
              s.getOutputStream().write('u');
            } catch (IOException closed) {
              // the server closed it: what the test waits for
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
      try {
        RawResponse r = RawResponse.read(s.getInputStream());
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, r.status(), r.text());
        assertTrue(
            r.json().get("error").asText().contains("modelfleet.gateway.min-body-rate"), r.text());
        assertEquals("slow-body", r.header("X-Request-Id"));
        assertTrue(tookMs < BODY_GRACE.toMillis() + 3000, "answered after " + tookMs + " ms");
        assertEquals(-1, s.getInputStream().read(), "the connection is closed after the 408");
      } finally {
        trickler.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // X-Request-Id

  @Test
  void aUtf8RequestIdComesBackByteForByte() throws Exception {
    byte[] id = "café-€-😀".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(
        "GET /v2/health/live HTTP/1.1\r\nHost: t\r\nX-Request-Id: "
            .getBytes(StandardCharsets.US_ASCII));
    req.writeBytes(id);
    req.writeBytes("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    RawResponse r = RawResponse.exchange(address, req.toByteArray());
    assertEquals(200, r.status(), r.text());
    assertArrayEquals(id, r.headerBytes("X-Request-Id"));
  }

  @Test
  void aMalformedByteInTheRequestIdGets400JsonAtOnce() throws Exception {
    // A Latin-1 é as the last header's last byte: the case that used to get no answer at all.
    byte[] latin1 =
        "GET /v2/health/live HTTP/1.1\r\nHost: t\r\nX-Request-Id: caf\u00e9\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] loneFF =
        "GET /v2/health/live HTTP/1.1\r\nHost: t\r\nX-Request-Id: a\u00ffb\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] req : List.of(latin1, loneFF)) {
      long t0 = System.nanoTime();
      RawResponse r = RawResponse.exchange(address, req);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(400, r.status(), r.text());
      assertTrue(r.json().get("error").asText().contains("UTF-8"), r.text());
      assertTrue(tookMs < 2000, "answered after " + tookMs + " ms");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Compression

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<byte[]> post(String path, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        TestKeys.authorize(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  static byte[] deflate(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void gzipAndDeflateRequestBodiesAreDecoded() throws Exception {
    byte[] json = inferBody(2).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> g =
        post(
            "/v2/models/lin/infer",
            gzip(json),
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "gzip");
    assertEquals(200, g.statusCode(), new String(g.body(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> d =
        post(
            "/v2/models/lin/infer",
            deflate(json),
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "deflate");
    assertEquals(200, d.statusCode(), new String(d.body(), StandardCharsets.UTF_8));
    assertEquals(
        new String(g.body(), StandardCharsets.UTF_8), new String(d.body(), StandardCharsets.UTF_8));

    HttpResponse<byte[]> br =
        post(
            "/v2/models/lin/infer",
            json,
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "br");
    assertEquals(400, br.statusCode());
    assertTrue(
        Http.JSON.readTree(br.body()).get("error").asText().contains("gzip"),
        new String(br.body()));
  }

  @Test
  void inferenceHeaderContentLengthCountsTheDecodedBody() throws Exception {
    byte[] header =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"parameters\":{\"binary_data_size\":12}}]}"
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer tensor =
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(header);
    body.writeBytes(tensor.array());
    HttpResponse<byte[]> r =
        post(
            "/v2/models/lin/infer",
            gzip(body.toByteArray()),
            "Content-Type",
            "application/octet-stream",
            "Content-Encoding",
            "gzip",
            "Inference-Header-Content-Length",
            Integer.toString(header.length));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    JsonNode out = Http.JSON.readTree(r.body()).get("outputs").get(0);
    float want = TestModels.linearExpected(W, B, new float[] {1, 2, 3})[0];
    assertEquals(want, out.get("data").get(0).floatValue(), 1e-5);
  }

  @Test
  void aZipBombMeetsTheBodyLimitAfterDecoding() throws Exception {
    byte[] zeros = new byte[64 * 1024 * 1024]; // 64 MiB decoded, against max-json-body = 1 MiB here
    byte[] bomb = gzip(zeros);
    assertTrue(bomb.length < 200 * 1024, "the bomb is small on the wire: " + bomb.length);
    HttpResponse<byte[]> r =
        post(
            "/v2/models/lin/infer",
            bomb,
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "gzip");
    assertEquals(413, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertTrue(Http.JSON.readTree(r.body()).get("error").asText().contains("max-json-body"));
    assertEquals(200, http.get("/v2/health/live").status());
  }

  @Test
  void responsesAreCompressedWhenAcceptedAndLargeEnough() throws Exception {
    byte[] json = inferBody(200).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> big =
        post(
            "/v2/models/lin/infer",
            json,
            "Content-Type",
            "application/json",
            "Accept-Encoding",
            "gzip");
    assertEquals(200, big.statusCode());
    assertEquals("gzip", big.headers().firstValue("Content-Encoding").orElse(null));
    byte[] plain;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(big.body()))) {
      plain = in.readAllBytes();
    }
    assertEquals(
        "[200,2]", Http.JSON.readTree(plain).get("outputs").get(0).get("shape").toString());
    assertTrue(
        big.body().length < plain.length, big.body().length + " compressed vs " + plain.length);

    HttpResponse<byte[]> small =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/health/live"))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, small.statusCode());
    assertFalse(small.headers().firstValue("Content-Encoding").isPresent());
    assertTrue(Http.JSON.readTree(small.body()).get("live").asBoolean());

    HttpResponse<byte[]> none =
        post("/v2/models/lin/infer", json, "Content-Type", "application/json");
    assertFalse(none.headers().firstValue("Content-Encoding").isPresent());
  }

  // ---------------------------------------------------------------------------------------------
}
