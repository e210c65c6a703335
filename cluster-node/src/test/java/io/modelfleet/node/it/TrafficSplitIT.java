package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.BinaryHttp;
import io.modelfleet.node.testing.FaultyModels;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alias's traffic split on a real node: the canary's share of the requests, a failing canary
 * answered by the alias's version at no cost to clients, and shadow copies compared and never
 * returned. Versions: 1 and 2 are linear models whose first output is the version number (1, 2); 3
 * fails at run time on every request; 4 answers like 1 with its first output 0.25 higher.
 */
class TrafficSplitIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {0f, 0f}};
  private static final String BODY =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0,0,0]}]}";

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub grpc;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node = FleetNode.start(TestNodes.config(dataDir, Map.of("modelfleet.gateway.grpc.port", port)));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    grpc = GrpcIT.withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), TestKeys.ADMIN);
    register("1", TestModels.linear(W, new float[] {1, 0}));
    register("2", TestModels.linear(W, new float[] {2, 0}));
    register("3", FaultyModels.failsOnOddBatches());
    register("4", TestModels.linear(W, new float[] {1.25f, 0}));
    for (String v : new String[] {"1", "2", "3", "4"}) {
      Http.Response r =
          http.post(
              "/v1/models/ts/deployments",
              "{\"version\":\"" + v + "\",\"replicas\":1,\"device\":\"auto\"}");
      assertEquals(202, r.status(), r.body());
    }
    for (String v : new String[] {"1", "2", "3", "4"}) {
      http.await("/v1/models/ts", readyReplicas(v, 1), READY);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  private static void register(String version, byte[] onnx) {
    assertEquals(201, http.put("/v1/models/ts/versions/" + version, onnx).status());
  }

  static Http.Response setAlias(String alias, String json) {
    return http.send(
        HttpRequest.newBuilder(URI.create(http.base() + "/v1/models/ts/aliases/" + alias))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Sends {@code n} requests to {@code path}; how many each version answered (all 200). */
  static Map<String, Integer> send(String path, int n) {
    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Http.Response r = http.post(path, BODY);
      assertEquals(200, r.status(), path + ": " + r.body());
      String version = r.json().get("model_version").asText();
      float y = r.json().get("outputs").get(0).get("data").get(0).floatValue();
      assertEquals(Float.parseFloat(version), y, 1e-6, "the first output is the version");
      served.merge(version, 1, Integer::sum);
    }
    return served;
  }

  /** Sends {@code n} gRPC requests for the alias; how many each version answered. */
  static Map<String, Integer> sendGrpc(String alias, int n) {
    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String v =
          grpc.modelInfer(
                  ModelInferRequest.newBuilder()
                      .setModelName("ts")
                      .setModelVersion(alias)
                      .addInputs(
                          ModelInferRequest.InferInputTensor.newBuilder()
                              .setName("x")
                              .setDatatype("FP32")
                              .addShape(1)
                              .addShape(3))
                      .addRawInputContents(ByteString.copyFrom(new byte[12]))
                      .build())
              .getModelVersion();
      served.merge(v, 1, Integer::sum);
    }
    return served;
  }

  /** The replica statistics of a version: {success, fail} counts. */
  static long[] stats(String version) {
    JsonNode s =
        http.get("/v2/models/ts/versions/" + version + "/stats")
            .json()
            .get("model_stats")
            .get(0)
            .get("inference_stats");
    return new long[] {s.get("success").get("count").asLong(), s.get("fail").get("count").asLong()};
  }

  /** Waits until the statistics of {@code version} show {@code success} and {@code fail}. */
  static void awaitStats(String version, long success, long fail) {
    http.await(
        "/v2/models/ts/versions/" + version + "/stats",
        r -> {
          JsonNode s = r.json().get("model_stats").get(0).get("inference_stats");
          return s.get("success").get("count").asLong() == success
              && s.get("fail").get("count").asLong() == fail;
        },
        Duration.ofSeconds(10));
  }

  @Test
  void theCanaryGetsItsShareAndAFailingCanaryCostsClientsNothing() {
    // 30 % to the canary: the answers and the canary's statistics agree, within 4.5 sigma.
    long[] before = stats("2");
    Http.Response set =
        setAlias("stable", "{\"version\":\"1\",\"canary\":{\"version\":\"2\",\"percent\":30}}");
    assertEquals(200, set.status(), set.body());
    JsonNode canary = set.json().get("aliases").get("stable").get("canary");
    assertEquals("2", canary.get("version").asText(), set.body());
    assertEquals(30, canary.get("percent").asInt(), set.body());
    Map<String, Integer> served = send("/v2/models/ts/infer", 300);
    int toCanary = served.getOrDefault("2", 0);
    assertEquals(300, served.getOrDefault("1", 0) + toCanary, served.toString());
    assertTrue(Math.abs(toCanary - 90) <= 36, "30 % of 300 to the canary: " + served);
    awaitStats("2", before[0] + toCanary, before[1]);
    // A version named explicitly is never split; the gRPC path splits like HTTP.
    assertEquals(Map.of("1", 50), send("/v2/models/ts/versions/1/infer", 50));
    Map<String, Integer> overGrpc = sendGrpc("stable", 60);
    assertTrue(
        overGrpc.getOrDefault("2", 0) > 0 && overGrpc.getOrDefault("1", 0) > 0, "" + overGrpc);

    // A canary failing every request: clients get 200 from version 1, the canary's replica counts
    // its failures (what the rollout analysis reads).
    long[] failing = stats("3");
    assertEquals(
        200,
        setAlias("stable", "{\"version\":\"1\",\"canary\":{\"version\":\"3\",\"percent\":50}}")
            .status());
    Map<String, Integer> retried = send("/v2/models/ts/infer", 200);
    assertEquals(Map.of("1", 200), retried, "every answer from the alias's version");
    assertEquals(Map.of("1", 40), sendGrpc("stable", 40));
    // Binary tensors (Triton's extension): the body was read once, the retry reuses the tensors.
    String header =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],"
            + "\"parameters\":{\"binary_data_size\":12}}]}";
    for (int i = 0; i < 40; i++) {
      BinaryHttp.Reply b =
          BinaryHttp.post(http.base() + "/v2/models/ts/infer", header, new byte[12]);
      assertEquals(200, b.status(), String.valueOf(b.json()));
      assertEquals("1", b.json().get("model_version").asText());
    }
    long[] after = stats("3");
    long failures = after[1] - failing[1];
    assertEquals(0, after[0] - failing[0], "the canary never succeeds");
    assertTrue(
        failures >= 100 && failures <= 180, "about half of 280 tried the canary: " + failures);
    System.out.printf(
        "TrafficSplitIT: canary 30%%: %s of 300 (+%s over gRPC); failing canary 50%%: 280 sent,"
            + " 0 failed, %d canary failures answered by version 1%n",
        served, overGrpc, failures);

    // Without the split everything is version 1's again.
    assertEquals(200, setAlias("stable", "{\"version\":\"1\"}").status());
    assertEquals(Map.of("1", 30), send("/v2/models/ts/infer", 30));
    assertEquals(failures, stats("3")[1] - failing[1]);
  }

  @Test
  void aSplitIsValidatedNamingTheField() {
    Http.Response over =
        setAlias("bad", "{\"version\":\"1\",\"canary\":{\"version\":\"2\",\"percent\":101}}");
    assertEquals(400, over.status(), over.body());
    assertTrue(over.error().contains("canary.percent"), over.error());
    Http.Response missing = setAlias("bad", "{\"version\":\"1\",\"shadow\":{\"version\":\"2\"}}");
    assertEquals(400, missing.status(), missing.body());
    assertTrue(missing.error().contains("shadow.percent"), missing.error());
    Http.Response unknown =
        setAlias("bad", "{\"version\":\"1\",\"shadow\":{\"version\":\"9\",\"percent\":5}}");
    assertEquals(404, unknown.status(), unknown.body());
    assertTrue(unknown.error().contains("shadow.version"), unknown.error());
    Http.Response self =
        setAlias("bad", "{\"version\":\"1\",\"canary\":{\"version\":\"1\",\"percent\":5}}");
    assertEquals(400, self.status(), self.body());
    assertTrue(self.error().contains("canary.version"), self.error());
    assertTrue(!http.get("/v1/models/ts").json().get("aliases").has("bad"));
  }

  /** The (baseline, candidate) pair of GET /v1/models/ts/shadow, or null. */
  static JsonNode shadowPair(String baseline, String candidate) {
    Http.Response r = http.get("/v1/models/ts/shadow");
    assertEquals(200, r.status(), r.body());
    for (JsonNode p : r.json().get("shadows")) {
      if (p.get("baseline").asText().equals(baseline)
          && p.get("candidate").asText().equals(candidate)) {
        return p;
      }
    }
    return null;
  }

  static JsonNode awaitShadow(String baseline, String candidate, String field, long n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode p = null;
    while (System.nanoTime() < deadline) {
      p = shadowPair(baseline, candidate);
      if (p != null && p.get(field).asLong() >= n) {
        return p;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "no " + n + " " + field + " for " + baseline + "->" + candidate + ": " + p);
  }

  @Test
  void shadowCopiesAreComparedAndNeverReachTheCaller() {
    long[] before = stats("4");
    Http.Response set =
        setAlias("shadowed", "{\"version\":\"1\",\"shadow\":{\"version\":\"4\",\"percent\":100}}");
    assertEquals(200, set.status(), set.body());
    assertEquals(
        100, set.json().get("aliases").get("shadowed").get("shadow").get("percent").asInt());
    // Every answer is version 1's, exactly (send checks the output); version 4 answered copies.
    assertEquals(Map.of("1", 60), send("/v2/models/ts/versions/shadowed/infer", 60));
    JsonNode p = awaitShadow("1", "4", "compared", 60);
    assertEquals(60, p.get("mirrored").asLong(), p.toString());
    assertEquals(0, p.get("failed").asLong(), p.toString());
    assertEquals(0, p.get("mismatched").asLong(), p.toString());
    JsonNode y = p.get("outputs").get("y");
    double maxAbs = y.get("max_abs").asDouble();
    assertTrue(maxAbs >= 0.25 && maxAbs <= 0.5, "the drift is 0.25: " + y);
    assertTrue(y.get("max_rel").asDouble() >= 0.25 && y.get("max_rel").asDouble() <= 0.5, "" + y);
    assertEquals(maxAbs, y.get("p99_abs").asDouble(), "every copy drifts alike: " + y);
    awaitStats("4", before[0] + 60, before[1]);

    // A shadow failing every copy: callers see nothing of it, the comparison counts failures.
    assertEquals(
        200,
        setAlias("shadowed", "{\"version\":\"1\",\"shadow\":{\"version\":\"3\",\"percent\":100}}")
            .status());
    assertEquals(Map.of("1", 40), send("/v2/models/ts/versions/shadowed/infer", 40));
    JsonNode failing = awaitShadow("1", "3", "failed", 40);
    assertEquals(40, failing.get("mirrored").asLong(), failing.toString());
    assertEquals(0, failing.get("compared").asLong(), failing.toString());

    // A shadow without a Ready replica gets no copies, and callers are served as ever.
    assertEquals(
        201,
        http.put("/v1/models/ts/versions/5", TestModels.linear(W, new float[] {1, 0})).status());
    assertEquals(
        200,
        setAlias("shadowed", "{\"version\":\"1\",\"shadow\":{\"version\":\"5\",\"percent\":100}}")
            .status());
    assertEquals(Map.of("1", 20), send("/v2/models/ts/versions/shadowed/infer", 20));
    assertEquals(null, shadowPair("1", "5"));
    String metrics = MetricsIT.scrape(http.base(), TestKeys.ADMIN).body();
    assertTrue(
        metrics.contains(
            "modelfleet_shadow_requests_total{baseline=\"1\",candidate=\"3\",model=\"ts\","
                + "result=\"failed\"} 40"),
        metrics.lines().filter(l -> l.contains("shadow")).toList().toString());
    System.out.printf(
        "TrafficSplitIT: shadow 100%%: 60 sent, 0 failed, %s; failing shadow: 40 sent, 0 failed,"
            + " %s%n",
        p, failing);
    assertEquals(404, http.get("/v1/models/nothing/shadow").status());
  }
}
