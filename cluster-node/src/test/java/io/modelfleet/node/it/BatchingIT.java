package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic batching, the bounded queue, queue timeouts and Triton statistics on a real node. */
class BatchingIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, -2f}, {0.5f, 3f}, {-1f, 0.25f}};
  private static final float[] B = {0.2f, -0.1f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ExecutorService clients = Executors.newFixedThreadPool(16);

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

  static void deploy(String model, String body) {
    assertEquals(
        201, http.put("/v1/models/" + model + "/versions/1", TestModels.linear(W, B)).status());
    Http.Response r = http.post("/v1/models/" + model + "/deployments", body);
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas("1", 1), READY);
  }

  static String row(float a, float b, float c, String params) {
    return "{\"parameters\":{"
        + params
        + "},\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":["
        + a
        + ","
        + b
        + ","
        + c
        + "]}]}";
  }

  static JsonNode stats(String model) {
    Http.Response r = http.get("/v2/models/" + model + "/versions/1/stats");
    assertEquals(200, r.status(), r.body());
    return r.json().get("model_stats").get(0);
  }

  @Test
  void concurrentCallersAreBatchedAndEachGetsItsOwnRows() {
    // A long queue delay so that the 8 concurrent requests certainly meet in one queue.
    deploy(
        "batched",
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":8,"
            + "\"dynamic_batching\":{\"preferred_batch_size\":[8],\"max_queue_delay_microseconds\":500000}}");
    JsonNode shown = http.get("/v1/models/batched").json().get("deployments").get(0);
    assertEquals(8, shown.get("max_batch_size").asInt());
    assertEquals(
        500000, shown.get("dynamic_batching").get("max_queue_delay_microseconds").asLong());
    // Triton's model configuration: with max_batch_size the batch dimension leaves dims.
    JsonNode config = http.get("/v2/models/batched/config").json();
    assertEquals(8, config.get("max_batch_size").asInt());
    assertEquals("[3]", config.get("input").get(0).get("dims").toString());
    assertEquals("[2]", config.get("output").get(0).get("dims").toString());
    JsonNode dynamic = config.get("dynamic_batching");
    assertEquals("[8]", dynamic.get("preferred_batch_size").toString());
    assertEquals(500000, dynamic.get("max_queue_delay_microseconds").asLong());
    assertEquals(1024, dynamic.get("default_queue_policy").get("max_queue_size").asInt());
    assertEquals("KIND_CPU", config.get("instance_group").get(0).get("kind").asText());
    assertEquals(1, config.get("instance_group").get(0).get("count").asInt());

    List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      float v = i;
      calls.add(
          CompletableFuture.supplyAsync(
              () -> http.post("/v2/models/batched/infer", row(v, v + 1, -v, "")), clients));
    }
    for (int i = 0; i < 8; i++) {
      Http.Response r = calls.get(i).join();
      assertEquals(200, r.status(), r.body());
      assertEquals("[1,2]", r.json().get("outputs").get(0).get("shape").toString());
      float[] want = TestModels.linearExpected(W, B, new float[] {i, i + 1, -i});
      JsonNode data = r.json().get("outputs").get(0).get("data");
      assertEquals(want[0], data.get(0).floatValue(), 1e-5, "caller " + i);
      assertEquals(want[1], data.get(1).floatValue(), 1e-5, "caller " + i);
    }
    JsonNode s = stats("batched");
    assertEquals(8, s.get("inference_count").asLong());
    assertEquals(8, s.get("inference_stats").get("success").get("count").asLong());
    assertTrue(s.get("execution_count").asLong() < 8, "batched into fewer executions: " + s);
    boolean sawBatch = false;
    for (JsonNode b : s.get("batch_stats")) {
      sawBatch |= b.get("batch_size").asInt() > 1;
    }
    assertTrue(sawBatch, s.toString());
  }

  @Test
  void aFullQueueAnswers503AtOnceAndExpiredRequestsAreDroppedUncomputed() throws Exception {
    // Requests wait up to 3 s for company; the queue holds one.
    deploy(
        "slowq",
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":64,"
            + "\"dynamic_batching\":{\"preferred_batch_size\":[64],\"max_queue_delay_microseconds\":3000000,\"max_queue_size\":1}}");
    CompletableFuture<Http.Response> waiting =
        CompletableFuture.supplyAsync(
            () -> http.post("/v2/models/slowq/infer", row(1, 2, 3, "\"timeout\":300000")), clients);
    Thread.sleep(100);
    long t0 = System.nanoTime();
    Http.Response full = http.post("/v2/models/slowq/infer", row(1, 2, 3, ""));
    assertEquals(503, full.status(), full.body());
    assertTrue(full.error().contains("max_queue_size"), full.error());
    assertTrue(
        System.nanoTime() - t0 < 2_000_000_000L,
        "a full queue answers at once, not after the delay");

    Http.Response expired = waiting.get();
    assertEquals(504, expired.status(), expired.body());
    assertTrue(expired.error().contains("timeout"), expired.error());

    JsonNode s = stats("slowq");
    assertEquals(0, s.get("execution_count").asLong(), "the expired request was never computed");
    assertEquals(1, s.get("inference_stats").get("timeout").get("count").asLong());
    assertEquals(2, s.get("inference_stats").get("fail").get("count").asLong());
  }

  @Test
  void statisticsCountExactlyWhatWasSent() {
    deploy("counted", "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}");
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.post("/v2/models/counted/infer", row(i, i, i, "")).status());
    }
    assertEquals(
        400,
        http.post(
                "/v2/models/counted/infer",
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}")
            .status());
    JsonNode s = stats("counted");
    assertEquals("counted", s.get("name").asText());
    assertEquals("1", s.get("version").asText());
    assertEquals(5, s.get("inference_count").asLong());
    assertEquals(5, s.get("execution_count").asLong());
    JsonNode inf = s.get("inference_stats");
    assertEquals(5, inf.get("success").get("count").asLong());
    assertEquals(1, inf.get("fail").get("count").asLong());
    assertEquals(5, inf.get("queue").get("count").asLong());
    assertEquals(5, inf.get("compute_infer").get("count").asLong());
    assertTrue(inf.get("compute_infer").get("ns").asLong() > 0);
    assertEquals(1, s.get("batch_stats").size());
    assertEquals(1, s.get("batch_stats").get(0).get("batch_size").asInt());
    assertEquals(5, s.get("batch_stats").get(0).get("compute_infer").get("count").asLong());
    assertTrue(s.get("last_inference").asLong() > 0);

    Http.Response all = http.get("/v2/models/stats");
    assertEquals(200, all.status());
    assertTrue(all.json().get("model_stats").size() >= 1);
    assertEquals(404, http.get("/v2/models/ghost/stats").status());
    assertEquals(404, http.get("/v2/models/counted/versions/9/stats").status());
  }
}
