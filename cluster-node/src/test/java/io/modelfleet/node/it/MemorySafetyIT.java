package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.protocol.tensor.DataType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, point 2: no request can exhaust the heap. One node process on {@code -Xmx256m}, with
 * every memory setting at its default, gets the probes that used to kill a node: concurrent bodies
 * of {@code "data":[{},{},...]} near the body limit, a 32 MB body of one-character BYTES strings,
 * many concurrent large valid FP32 bodies, and a model of about a hundred bytes that expands its
 * 16-byte input to 4000×4000 floats and more. Every answer is a 2xx or a clean 4xx/503 JSON with
 * "error", and the node is alive and serving afterwards. Also the NaN/Infinity round trip of point
 * 7 (a response sent back as a request, and tritonclient's bare literals) and an unknown model's
 * 404 before the body's 400. Repository loads, whose JSON bodies are read as trees, are budgeted
 * too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemorySafetyIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String NAN_ROW = "[\"NaN\",\"Infinity\",\"-Infinity\",1.5]";

  @TempDir static Path dataDir;
  private NodeProcess node;
  private Http http;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Status and body; bodies of successful large answers are not parsed, to keep this JVM small. */
  private record Answer(int status, String body) {
    JsonNode json() {
      try {
        return Http.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + clip(body));
      }
    }
  }

  @BeforeAll
  void startNode() {
    node =
        NodeProcess.start(dataDir, Map.of("MODELFLEET_DEMO_MODEL", "false"), List.of("-Xmx256m"));
    http = new Http(node.baseUrl());
    try {
      http.await("/v2/health/live", r -> r.status() == 200, START);
      deploy("fp32", TestModels.identity(DataType.FP32));
      deploy("words", TestModels.identity(DataType.BYTES));
      deploy("tile", TestModels.tile());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
    }
  }

  @AfterAll
  void stopNode() throws InterruptedException {
    if (node != null) {
      node.close();
    }
  }

  private void deploy(String model, byte[] onnx) {
    Http.Response up = http.put("/v1/models/" + model + "/versions/1", onnx);
    assertEquals(201, up.status(), up.body());
    Http.Response d =
        http.post("/v1/models/" + model + "/deployments", "{\"version\":\"1\",\"replicas\":1}");
    assertEquals(202, d.status(), d.body());
    http.await("/v1/models/" + model, readyReplicas("1", 1), START);
  }

  private Answer infer(String model, byte[] body) {
    return post("/v2/models/" + model + "/infer", body);
  }

  private Answer infer(String model, String body) {
    return infer(model, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code body} {@code n} times at once. */
  private List<Answer> concurrently(int n, String model, byte[] body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> infer(model, body)));
      }
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A refusal is JSON with an "error"; a success is the model's answer. */
  private static void assertClean(Answer a, int... allowed) {
    System.out.println(
        "MemorySafetyIT answer "
            + a.status()
            + ": "
            + (a.status() >= 400 ? clip(a.body()) : a.body().length() + " bytes"));
    boolean ok = false;
    for (int s : allowed) {
      ok |= a.status() == s;
    }
    assertTrue(ok, "status " + a.status() + ": " + clip(a.body()));
    if (a.status() >= 400) {
      assertTrue(a.json().hasNonNull("error"), a.body());
    } else {
      assertTrue(a.body().startsWith("{\"model_name\":"), clip(a.body()));
    }
  }

  private void assertStillServing() {
    assertTrue(node.isAlive(), "node died; log:\n" + node.log());
    assertTrue(
        !node.log().contains("OutOfMemoryError"), "OutOfMemoryError in the log:\n" + node.log());
    assertEquals(200, http.get("/v2/health/live").status());
    Answer normal =
        infer(
            "fp32",
            "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}");
    assertEquals(200, normal.status(), normal.body());
    assertEquals("[1.0,2.0]", normal.json().get("outputs").get(0).get("data").toString());
    // Nothing leaked from the budget: a request needing more than half of it is served
    // (6 MB body + 6 MB decoded + up to 24 MB of JSON answer, of the 64 MB a 256 MB heap gets).
    String[] halves = array("0.5", 6_000_000);
    Answer large = infer("fp32", fp32Request("in", Long.parseLong(halves[1]), halves[0]));
    assertEquals(200, large.status(), clip(large.body()));
  }

  private static String fp32Request(String name, long cols, String data) {
    return "{\"inputs\":[{\"name\":\""
        + name
        + "\",\"datatype\":\"FP32\",\"shape\":[1,"
        + cols
        + "],\"data\":"
        + data
        + "}]}";
  }

  /** {@code [e,e,...]} of about {@code bytes} bytes and the number of elements in it. */
  private static String[] array(String element, int bytes) {
    int n = bytes / (element.length() + 1);
    StringBuilder sb = new StringBuilder(bytes + 16).append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(element);
    }
    return new String[] {sb.append(']').toString(), Integer.toString(n)};
  }

  @Test
  void concurrentBodiesOfEmptyObjectsAreRefusedWithoutExhaustingTheHeap() throws Exception {
    String[] objects = array("{}", 57_000_000);
    byte[] body =
        fp32Request("in", Long.parseLong(objects[1]), objects[0])
            .getBytes(StandardCharsets.US_ASCII);
    List<Answer> answers = concurrently(5, "fp32", body);
    int refusedAtFirst = 0;
    for (Answer a : answers) {
      assertClean(a, 400, 503);
      if (a.status() == 400) {
        assertEquals(
            "input 'in': data element 0 is an object, but FP32 needs a number",
            a.json().get("error").asText());
        refusedAtFirst++;
      } else {
        assertTrue(
            a.json().get("error").asText().contains("modelfleet.gateway.max-body-bytes-in-flight"),
            a.body());
      }
    }
    assertTrue(refusedAtFirst >= 1, "at least one body was read and refused at its first element");
    assertStillServing();
  }

  @Test
  void aLargeBodyOfOneCharacterStringsIsRefusedUpFront() {
    String[] words = array("\"a\"", 32_000_000);
    String body =
        "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"BYTES\",\"shape\":[1,"
            + words[1]
            + "],\"data\":"
            + words[0]
            + "}]}";
    Answer a = infer("words", body);
    assertClean(a, 413, 503);
    assertTrue(
        a.json().get("error").asText().contains("modelfleet.gateway.max-body-bytes-in-flight"),
        a.body());
    // A modest BYTES request still works.
    Answer small =
        infer(
            "words",
            "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"BYTES\",\"shape\":[1,2],\"data\":[\"a\",\"é\"]}]}");
    assertEquals(200, small.status(), small.body());
    assertEquals("[\"a\",\"é\"]", small.json().get("outputs").get(0).get("data").toString());
    assertStillServing();
  }

  @Test
  void manyConcurrentLargeValidBodiesAreServedOrAskedToRetry() throws Exception {
    String[] floats = array("0.1234567", 9_000_000);
    byte[] body =
        fp32Request("in", Long.parseLong(floats[1]), floats[0]).getBytes(StandardCharsets.US_ASCII);
    List<Answer> answers = concurrently(8, "fp32", body);
    int served = 0;
    for (Answer a : answers) {
      assertClean(a, 200, 503);
      if (a.status() == 200) {
        served++;
        assertTrue(a.body().contains("\"shape\":[1," + floats[1] + "]"), clip(a.body()));
      }
    }
    assertTrue(served >= 1, "some were served");
    assertStillServing();
  }

  @Test
  void anOutputAmplifyingModelGetsAClearErrorAndTheNodeServesOn() throws Exception {
    String x = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}";
    // 4000×4000 floats: 64 MB as a tensor, within the replica's limit, but up to 256 MB as JSON.
    Answer asJson =
        infer(
            "tile",
            "{\"inputs\":["
                + x
                + ",{\"name\":\"repeats\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[4000,1000]}]}");
    assertClean(asJson, 400);
    String e1 = asJson.json().get("error").asText();
    assertTrue(
        e1.contains("output 'out' (FP32 [4000,4000], 64000000 bytes as a tensor)")
            && e1.contains("max-json-response-bytes"),
        e1);
    // 8000×4000 floats: 128 MB, refused by the replica before it is copied out of ONNX Runtime.
    Answer tooLarge =
        infer(
            "tile",
            "{\"inputs\":["
                + x
                + ",{\"name\":\"repeats\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[8000,1000]}]}");
    assertClean(tooLarge, 400);
    String e2 = tooLarge.json().get("error").asText();
    assertTrue(
        e2.contains("output 'out' (FP32 [8000,4000], 128000000 bytes)")
            && e2.contains("modelfleet.replica.max-output-bytes"),
        e2);
    // Small requests whose answers are large, at once: each JSON answer is charged before it is
    // built.
    byte[] large =
        ("{\"inputs\":["
                + x
                + ",{\"name\":\"repeats\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1000,1000]}]}")
            .getBytes(StandardCharsets.US_ASCII);
    int served = 0;
    for (Answer a : concurrently(6, "tile", large)) {
      assertClean(a, 200, 503);
      served += a.status() == 200 ? 1 : 0;
    }
    assertTrue(served >= 1, "some were served");
    Answer small =
        infer(
            "tile",
            "{\"inputs\":["
                + x
                + ",{\"name\":\"repeats\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[2,1]}]}");
    assertEquals(200, small.status(), small.body());
    assertEquals("[2,4]", small.json().get("outputs").get(0).get("shape").toString());
    assertStillServing();
  }

  @Test
  void largeRepositoryLoadsAreBudgetedToo() throws Exception {
    // A repository load carries its model as base64 inside JSON, read as a tree: about three
    // times its body in heap. 3 × 40 MB of them would not fit a 256 MB heap.
    StringBuilder b64 =
        new StringBuilder(40_000_100).append("{\"parameters\":{\"file:1/model.onnx\":\"");
    b64.append("A".repeat(40_000_000)).append("\"}}");
    byte[] body = b64.toString().getBytes(StandardCharsets.US_ASCII);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(pool.submit(() -> post("/v2/repository/models/big/load", body)));
      }
      for (Future<Answer> f : futures) {
        Answer a = f.get();
        assertClean(a, 413, 503);
        assertTrue(
            a.json().get("error").asText().contains("modelfleet.gateway.max-body-bytes-in-flight"),
            a.body());
      }
    } finally {
      pool.shutdownNow();
    }
    // Without a Content-Length (chunked), it is charged as it arrives and refused part-way; the
    // client still gets the answer.
    Answer chunked =
        post(
            "/v2/repository/models/big/load",
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    assertClean(chunked, 413, 503);
    assertTrue(chunked.json().get("error").asText().contains("its body needs"), chunked.body());
    assertStillServing();
  }

  private Answer post(String path, byte[] body) {
    return post(path, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private Answer post(String path, HttpRequest.BodyPublisher body) {
    HttpRequest req =
        TestKeys.authorize(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(body)
            .build();
    try {
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError("no answer from the node (" + e + "); alive: " + node.isAlive(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void nonFiniteFloatsRoundTrip() throws IOException {
    Answer first = infer("fp32", fp32Request("in", 4, NAN_ROW));
    assertEquals(200, first.status(), first.body());
    JsonNode out = first.json().get("outputs").get(0);
    assertEquals(NAN_ROW, out.get("data").toString());
    // The response's tensor, renamed, is a valid request.
    ObjectNode again = Http.JSON.createObjectNode();
    ArrayNode inputs = again.putArray("inputs");
    inputs.add(((ObjectNode) out.deepCopy()).put("name", "in"));
    Answer second = infer("fp32", Http.JSON.writeValueAsString(again));
    assertEquals(200, second.status(), second.body());
    assertEquals(out, second.json().get("outputs").get(0));
    // tritonclient writes bare literals.
    Answer bare = infer("fp32", fp32Request("in", 4, "[NaN,Infinity,-Infinity,1.5]"));
    assertEquals(200, bare.status(), bare.body());
    assertEquals(out, bare.json().get("outputs").get(0));
    // Other malformed JSON is named without the parser's hints.
    Answer bad = infer("fp32", fp32Request("in", 2, "[1, 'x']"));
    assertEquals(400, bad.status());
    String error = bad.json().get("error").asText();
    assertTrue(
        error.startsWith("the request body is not valid JSON") && error.contains("line 1, column"),
        error);
    assertTrue(!error.contains("Feature") && !error.contains("enable"), error);
  }

  @Test
  void anUnknownModelIs404EvenForAMalformedBody() {
    Answer a = infer("no-such-model", "{}");
    assertEquals(404, a.status(), a.body());
    assertEquals("model 'no-such-model' is not registered", a.json().get("error").asText());
    Answer known = infer("fp32", "{}");
    assertEquals(400, known.status(), known.body());
  }

  private static String clip(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
