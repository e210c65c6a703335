package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's response cache on a real node: a deployment that opts in answers a repeated request from
 * the node's cache without running the model, and says so in its statistics, its metrics and its
 * configuration; one that does not opt in always runs.
 */
class ResponseCacheIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, -2f}, {0.5f, 3f}, {-1f, 0.25f}};
  private static final float[] B = {0.2f, -0.1f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ExecutorService clients = Executors.newFixedThreadPool(4);

  @BeforeAll
  static void start() {
    node = FleetNode.start(TestNodes.config(dataDir, Map.of()));
    http = new Http(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    clients.shutdownNow();
    if (node != null) {
      node.close();
    }
  }

  static void deploy(String model, byte[] onnx, String body) {
    assertEquals(201, http.put("/v1/models/" + model + "/versions/1", onnx).status());
    Http.Response r = http.post("/v1/models/" + model + "/deployments", body);
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas("1", 1), READY);
  }

  static String row(float a, float b, float c, String outputs) {
    return "{\"id\":\"r\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":["
        + a
        + ","
        + b
        + ","
        + c
        + "]}]"
        + outputs
        + "}";
  }

  static JsonNode infer(String model, String body) {
    Http.Response r = http.post("/v2/models/" + model + "/infer", body);
    assertEquals(200, r.status(), r.body());
    return r.json().get("outputs");
  }

  static JsonNode stats(String model) {
    Http.Response r = http.get("/v2/models/" + model + "/versions/1/stats");
    assertEquals(200, r.status(), r.body());
    return r.json().get("model_stats").get(0);
  }

  static long count(JsonNode stats, String counter) {
    return stats.get("inference_stats").get(counter).get("count").asLong();
  }

  @Test
  void aRepeatedRequestIsAnsweredFromTheCacheWithoutRunningTheModel() {
    deploy(
        "cached",
        TestModels.twoOutputs(),
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"response_cache\":{\"enable\":true}}");
    assertEquals(
        "{\"enable\":true}",
        http.get("/v1/models/cached")
            .json()
            .get("deployments")
            .get(0)
            .get("response_cache")
            .toString());
    assertEquals(
        "{\"enable\":true}",
        http.get("/v2/models/cached/config").json().get("response_cache").toString());

    JsonNode history = http.get("/v1/models/cached/history").json().get("events");
    assertEquals("DeploymentSet", history.get(1).get("event").asText());
    assertEquals(true, history.get(1).get("details").get("response_cache").asBoolean());

    JsonNode first = infer("cached", row(1, 2, 3, ""));
    JsonNode again = infer("cached", row(1, 2, 3, ""));
    assertEquals(first, again);
    assertEquals("[2.0,4.0,6.0]", first.get(0).get("data").toString());
    JsonNode s = stats("cached");
    assertEquals(1, s.get("execution_count").asLong(), "the repeat did not run: " + s);
    assertEquals(1, s.get("inference_count").asLong(), s.toString());
    assertEquals(2, count(s, "success"), s.toString());
    assertEquals(1, count(s, "cache_hit"), s.toString());
    assertEquals(1, count(s, "cache_miss"), s.toString());
    assertEquals(1, count(s, "compute_infer"), "a hit is not computed: " + s);
    assertEquals(1, count(s, "queue"), "a hit is never queued: " + s);

    // Other input bytes, another shape, other requested outputs: each is a miss and runs.
    assertEquals("[2.0,4.0,8.0]", infer("cached", row(1, 2, 4, "")).get(0).get("data").toString());
    JsonNode two =
        infer(
            "cached",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":[1,2,3,1,2,3]}]}");
    assertEquals("[2,3]", two.get(0).get("shape").toString());
    JsonNode sumOnly = infer("cached", row(1, 2, 3, ",\"outputs\":[{\"name\":\"sum\"}]"));
    assertEquals(1, sumOnly.size());
    assertEquals("sum", sumOnly.get(0).get("name").asText());
    assertEquals(6.0, sumOnly.get(0).get("data").get(0).asDouble(), 1e-6);
    // ... and its repeat is a hit that answers only what was asked for.
    assertEquals(sumOnly, infer("cached", row(1, 2, 3, ",\"outputs\":[{\"name\":\"sum\"}]")));
    s = stats("cached");
    assertEquals(4, s.get("execution_count").asLong(), s.toString());
    assertEquals(2, count(s, "cache_hit"), s.toString());
    assertEquals(4, count(s, "cache_miss"), s.toString());
    assertEquals(6, count(s, "success"), s.toString());

    PrometheusText t = metrics();
    String[] v = {"model", "cached", "version", "1"};
    assertEquals(2, t.value("nv_cache_num_hits_per_model", v));
    assertEquals(4, t.value("nv_cache_num_misses_per_model", v));
    assertEquals(6, t.value("nv_inference_request_success", v));
    assertEquals(4, t.value("nv_inference_exec_count", v));
  }

  @Test
  void aDeploymentWithoutTheOptInAlwaysRuns() {
    deploy(
        "uncached",
        TestModels.linear(W, B),
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}");
    assertEquals(
        "{\"enable\":false}",
        http.get("/v2/models/uncached/config").json().get("response_cache").toString());
    assertEquals(infer("uncached", row(1, 2, 3, "")), infer("uncached", row(1, 2, 3, "")));
    JsonNode s = stats("uncached");
    assertEquals(2, s.get("execution_count").asLong(), s.toString());
    assertEquals(0, count(s, "cache_hit"), s.toString());
    assertEquals(0, count(s, "cache_miss"), s.toString());
  }

  @Test
  void batchedRequestsAreStoredOneByOneAfterTheSplit() {
    deploy(
        "cachedbatch",
        TestModels.linear(W, B),
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":4,"
            + "\"dynamic_batching\":{\"preferred_batch_size\":[4],\"max_queue_delay_microseconds\":300000},"
            + "\"response_cache\":{\"enable\":true}}");
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      float f = i;
      calls.add(
          CompletableFuture.supplyAsync(
              () -> infer("cachedbatch", row(f, f + 1, -f, "")), clients));
    }
    List<JsonNode> computed = new ArrayList<>();
    calls.forEach(c -> computed.add(c.join()));
    long executions = stats("cachedbatch").get("execution_count").asLong();
    for (int i = 0; i < 4; i++) {
      // The very same bytes: -f of 0 is -0.0, which is another input than 0.0 to the cache.
      float f = i;
      JsonNode hit = infer("cachedbatch", row(f, f + 1, -f, ""));
      assertEquals(computed.get(i), hit, "caller " + i + " gets its own row back");
      float[] want = TestModels.linearExpected(W, B, new float[] {f, f + 1, -f});
      assertEquals(want[0], hit.get(0).get("data").get(0).floatValue(), 1e-5);
      assertEquals("[1,2]", hit.get(0).get("shape").toString());
    }
    assertNotEquals(computed.get(0), computed.get(1));
    JsonNode s = stats("cachedbatch");
    assertEquals(executions, s.get("execution_count").asLong(), "the repeats did not run: " + s);
    assertEquals(4, count(s, "cache_hit"), s.toString());
    assertEquals(4, count(s, "cache_miss"), s.toString());
  }

  @Test
  void aTritonConfigTurnsTheCacheOnForARepositoryLoad() {
    String b64 = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    String config =
        "{\\\"instance_group\\\":[{\\\"kind\\\":\\\"KIND_CPU\\\"}],\\\"response_cache\\\":{\\\"enable\\\":true}}";
    Http.Response load =
        http.post(
            "/v2/repository/models/tricache/load",
            "{\"parameters\":{\"config\":\""
                + config
                + "\",\"file:1/model.onnx\":\""
                + b64
                + "\"}}");
    assertEquals(200, load.status(), load.body());
    assertEquals(
        "{\"enable\":true}",
        http.get("/v2/models/tricache/config").json().get("response_cache").toString());
    infer("tricache", row(3, 2, 1, ""));
    infer("tricache", row(3, 2, 1, ""));
    assertEquals(1, count(stats("tricache"), "cache_hit"));
  }

  static PrometheusText metrics() {
    HttpResponse<String> r = MetricsIT.scrape(node.baseUrl(), TestKeys.ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    return PrometheusText.parse(r.body());
  }
}
