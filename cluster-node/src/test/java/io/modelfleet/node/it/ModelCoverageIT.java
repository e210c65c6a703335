package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.CoverageModels;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, points 4 and 6, over real HTTP on a real node: models whose warm-up on synthetic zeros
 * fails in ONNX Runtime still serve, a model without inputs answers an empty inputs list, a
 * deployment's own warm-up samples decide READY or FAILED, and deployments past a bound are refused
 * with 400 naming the field.
 */
class ModelCoverageIT {
  private static final Duration READY = Duration.ofSeconds(30);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0f, 0f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(TestNodes.config(dataDir, Map.of("modelfleet.limits.max-ort-threads", 4)));
    http = new Http(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void upload(String model, String version, byte[] onnx) {
    Http.Response r = http.put("/v1/models/" + model + "/versions/" + version, onnx);
    assertEquals(201, r.status(), r.body());
  }

  private static Http.Response deploy(String model, String body) {
    return http.post("/v1/models/" + model + "/deployments", body);
  }

  private static void deployReady(String model, String version) {
    Http.Response r = deploy(model, "{\"version\":\"" + version + "\",\"replicas\":1}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas(version, 1), READY);
  }

  private static JsonNode output(Http.Response r) {
    assertEquals(200, r.status(), r.body());
    return r.json().get("outputs").get(0);
  }

  @Test
  void castFromStringServesThoughItsSyntheticWarmupFails() {
    upload("cast-str", "1", TestModels.cast(DataType.BYTES, DataType.FP32));
    deployReady("cast-str", "1");
    JsonNode out =
        output(
            http.post(
                "/v2/models/cast-str/infer",
                "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"1.5\",\"2\"]}]}"));
    assertEquals("FP32", out.get("datatype").asText());
    assertEquals("[1.5,2.0]", out.get("data").toString());
  }

  @Test
  void integerDivServesThoughZerosDivideByZero() {
    for (DataType dt : new DataType[] {DataType.INT32, DataType.INT64}) {
      String model = "div-" + dt.name().toLowerCase();
      upload(model, "1", CoverageModels.integerDiv(dt));
      deployReady(model, "1");
      JsonNode out =
          output(
              http.post(
                  "/v2/models/" + model + "/infer",
                  "{\"inputs\":[{\"name\":\"a\",\"datatype\":\""
                      + dt
                      + "\",\"shape\":[2],\"data\":[6,-9]},"
                      + "{\"name\":\"b\",\"datatype\":\""
                      + dt
                      + "\",\"shape\":[2],\"data\":[3,3]}]}"));
      assertEquals(dt.name(), out.get("datatype").asText());
      assertEquals("[2,-3]", out.get("data").toString());
    }
  }

  @Test
  void aModelWithoutInputsAnswersAnEmptyInputsList() {
    upload("const", "1", CoverageModels.constant(1.5f, -2f, 4f));
    deployReady("const", "1");
    JsonNode out = output(http.post("/v2/models/const/infer", "{\"inputs\":[]}"));
    assertEquals("k", out.get("name").asText());
    assertEquals("[3]", out.get("shape").toString());
    assertEquals("[1.5,-2.0,4.0]", out.get("data").toString());

    // A model that has inputs still refuses an empty list, naming what it needs.
    upload("needs-x", "1", TestModels.linear(W, B));
    deployReady("needs-x", "1");
    Http.Response empty = http.post("/v2/models/needs-x/infer", "{\"inputs\":[]}");
    assertEquals(400, empty.status(), empty.body());
    assertTrue(empty.error().contains("missing input 'x'"), empty.error());
  }

  @Test
  void aFailingWarmupSampleFailsTheReplicaWithTheSampleNamed() {
    upload("warm", "1", TestModels.linear(W, B));
    Http.Response r =
        deploy(
            "warm",
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":4,\"model_warmup\":["
                + "{\"name\":\"wrong-dims\",\"batch_size\":1,\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[7],\"zero_data\":true}}}]}");
    assertEquals(202, r.status(), r.body());
    Http.Response failed =
        http.await(
            "/v1/models/warm",
            m -> {
              for (JsonNode rep : m.json().path("replicas")) {
                if ("FAILED".equals(rep.path("state").asText())) {
                  return true;
                }
              }
              return false;
            },
            READY);
    String reason = failed.json().get("replicas").get(0).get("reason").asText();
    assertTrue(reason.contains("warm-up sample 'wrong-dims' failed"), reason);
    assertTrue(reason.contains("input 'x' has shape [1, 7]"), reason);
  }

  @Test
  void passingWarmupSamplesLetTheReplicaServe() {
    upload("warm-ok", "1", TestModels.linear(W, B));
    Http.Response r =
        deploy(
            "warm-ok",
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":4,\"model_warmup\":["
                + "{\"name\":\"given\",\"batch_size\":2,\"count\":2,\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[3],"
                + "\"input_data\":[1,2,3]}}},"
                + "{\"name\":\"noise\",\"batch_size\":4,\"inputs\":{\"x\":{\"data_type\":\"FP32\",\"dims\":[\"3\"],\"random_data\":true}}}]}");
    assertEquals(202, r.status(), r.body());
    JsonNode detail = http.await("/v1/models/warm-ok", readyReplicas("1", 1), READY).json();
    JsonNode samples = detail.get("deployments").get(0).get("model_warmup");
    assertEquals("given", samples.get(0).get("name").asText());
    assertEquals("[2,3]", samples.get(0).get("inputs").get("x").get("shape").toString());
    assertEquals("input_data", samples.get(0).get("inputs").get("x").get("source").asText());
    assertEquals("[4,3]", samples.get(1).get("inputs").get("x").get("shape").toString());
    JsonNode deployed = null;
    for (JsonNode e : http.get("/v1/models/warm-ok/history").json().get("events")) {
      if ("DeploymentSet".equals(e.get("event").asText())) {
        deployed = e;
      }
    }
    assertEquals(
        "[\"given\",\"noise\"]",
        deployed.get("details").get("model_warmup").toString(),
        String.valueOf(deployed));
    JsonNode out =
        output(
            http.post(
                "/v2/models/warm-ok/infer",
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}"));
    assertEquals("[4.0,5.0]", out.get("data").toString());
  }

  @Test
  void aRepositoryLoadCarriesWarmupSamplesInItsConfig() {
    String model = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    String bad =
        "{\\\"model_warmup\\\":[{\\\"name\\\":\\\"too-wide\\\",\\\"inputs\\\":{\\\"x\\\":"
            + "{\\\"data_type\\\":\\\"TYPE_FP32\\\",\\\"dims\\\":[1,5],\\\"zero_data\\\":true}}}]}";
    Http.Response failed =
        http.post(
            "/v2/repository/models/loaded/load",
            "{\"parameters\":{\"config\":\""
                + bad
                + "\",\"file:1/model.onnx\":\""
                + model
                + "\"}}");
    assertEquals(400, failed.status(), failed.body());
    assertTrue(failed.error().contains("warm-up sample 'too-wide' failed"), failed.error());

    String good =
        "{\\\"max_batch_size\\\":8,\\\"model_warmup\\\":[{\\\"name\\\":\\\"ones\\\",\\\"batch_size\\\":3,"
            + "\\\"inputs\\\":{\\\"x\\\":{\\\"data_type\\\":\\\"TYPE_FP32\\\",\\\"dims\\\":[3],\\\"input_data\\\":[1,1,1]}}}]}";
    // A new version: version 1's replica stays FAILED until its next retry, which the load would
    // see.
    Http.Response loaded =
        http.post(
            "/v2/repository/models/loaded/load",
            "{\"parameters\":{\"config\":\""
                + good
                + "\",\"file:2/model.onnx\":\""
                + model
                + "\"}}");
    assertEquals(200, loaded.status(), loaded.body());
    JsonNode deployment = http.get("/v1/models/loaded").json().get("deployments").get(0);
    assertEquals("2", deployment.get("version").asText());
    assertEquals("ones", deployment.get("model_warmup").get(0).get("name").asText());
    assertEquals(
        "[3,3]",
        deployment.get("model_warmup").get(0).get("inputs").get("x").get("shape").toString());
  }

  @Test
  void boundsAreRefusedWithTheFieldNamed() {
    upload("bounded", "1", TestModels.linear(W, B));
    Http.Response threads =
        deploy("bounded", "{\"version\":\"1\",\"replicas\":1,\"ort\":{\"intra_op_threads\":1024}}");
    assertEquals(400, threads.status(), threads.body());
    assertTrue(
        threads.error().contains("'ort.intra_op_threads' must be at most 4"), threads.error());
    Http.Response inter =
        deploy("bounded", "{\"version\":\"1\",\"replicas\":1,\"ort\":{\"inter_op_threads\":5}}");
    assertEquals(400, inter.status(), inter.body());
    assertTrue(inter.error().contains("'ort.inter_op_threads'"), inter.error());

    StringBuilder sizes = new StringBuilder();
    for (int i = 1; i <= 17; i++) {
      sizes.append(i == 1 ? "" : ",").append(i);
    }
    Http.Response preferred =
        deploy(
            "bounded",
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":64,"
                + "\"dynamic_batching\":{\"preferred_batch_size\":["
                + sizes
                + "]}}");
    assertEquals(400, preferred.status(), preferred.body());
    assertTrue(
        preferred
            .error()
            .contains("'dynamic_batching.preferred_batch_size' has 17 entries; at most 16"),
        preferred.error());

    Http.Response batch =
        deploy("bounded", "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":100000}");
    assertEquals(400, batch.status(), batch.body());
    assertTrue(
        batch.error().contains("'max_batch_size' must be an integer from 0 to 4096"),
        batch.error());

    Http.Response count =
        deploy(
            "bounded",
            "{\"version\":\"1\",\"replicas\":1,\"model_warmup\":[{\"name\":\"s\","
                + "\"count\":1000,\"inputs\":{}}]}");
    assertEquals(400, count.status(), count.body());
    assertTrue(
        count.error().contains("'model_warmup[0].count' must be an integer from 0 to 16"),
        count.error());

    Http.Response huge =
        deploy(
            "bounded",
            "{\"version\":\"1\",\"replicas\":1,\"model_warmup\":[{\"name\":\"s\","
                + "\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[100000,100000],\"zero_data\":true}}}]}");
    assertEquals(400, huge.status(), huge.body());
    assertTrue(huge.error().contains("max-warmup-tensor-bytes"), huge.error());

    // Nothing refused reached the registry.
    assertEquals(0, http.get("/v1/models/bounded").json().get("deployments").size());
  }
}
