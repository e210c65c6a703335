package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload, deploy, infer and manage models on a real node over real HTTP. */
class ServingIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(
            TestNodes.config(dataDir, Map.of("modelfleet.artifacts.max-upload-size", "1 MiB")));
    http = new Http(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static void deploy(String model, String version, int replicas) {
    Http.Response r =
        http.post(
            "/v1/models/" + model + "/deployments",
            "{\"version\":\"" + version + "\",\"replicas\":" + replicas + ",\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas(version, replicas), READY);
  }

  static String inferBody(String input, float[][] rows) {
    StringBuilder data = new StringBuilder();
    for (float[] row : rows) {
      for (float v : row) {
        data.append(data.length() == 0 ? "" : ",").append(v);
      }
    }
    return "{\"id\":\"req-42\",\"parameters\":{\"note\":\"ignored\"},\"inputs\":[{\"name\":\""
        + input
        + "\",\"datatype\":\"FP32\",\"shape\":["
        + rows.length
        + ","
        + rows[0].length
        + "],\"data\":["
        + data
        + "]}]}";
  }

  @Test
  void uploadDeployAndInferWithComputedNumbers() throws Exception {
    byte[] model = TestModels.linear(W, B);
    Http.Response created = http.put("/v1/models/lin/versions/1", model);
    assertEquals(201, created.status(), created.body());
    assertEquals("lin", created.json().get("model").asText());
    assertEquals("1", created.json().get("version").asText());
    assertEquals(sha256(model), created.json().get("digest").asText());
    assertEquals(model.length, created.json().get("size").asLong());

    Http.Response again = http.put("/v1/models/lin/versions/1", model);
    assertEquals(200, again.status(), again.body());
    assertEquals(sha256(model), again.json().get("digest").asText());

    Http.Response conflict =
        http.put("/v1/models/lin/versions/1", TestModels.linear(W, new float[] {9, 9}));
    assertEquals(409, conflict.status(), conflict.body());
    assertTrue(conflict.error().contains(sha256(model)), conflict.error());

    deploy("lin", "1", 2);
    JsonNode detail = http.get("/v1/models/lin").json();
    assertEquals(2, detail.get("replicas").size());
    for (JsonNode rep : detail.get("replicas")) {
      assertEquals("cpu", rep.get("device").asText());
      assertTrue(rep.get("node").asText().startsWith("pekko://modelfleet@"), rep.toString());
    }
    assertEquals(2, detail.get("deployments").get(0).get("replicas").asInt());
    JsonNode input = detail.get("versions").get(0).get("inputs").get(0);
    assertEquals("x", input.get("name").asText());
    assertEquals("[-1,3]", input.get("shape").toString());

    float[][] rows = {{1, 2, 3}, {-1, 0.5f, 4}, {0, 0, 0}};
    // Several requests so both replicas serve some of them.
    for (int n = 0; n < 6; n++) {
      Http.Response r = http.post("/v2/models/lin/infer", inferBody("x", rows));
      assertEquals(200, r.status(), r.body());
      assertEquals("lin", r.json().get("model_name").asText());
      assertEquals("1", r.json().get("model_version").asText());
      assertEquals("req-42", r.json().get("id").asText());
      JsonNode out = r.json().get("outputs").get(0);
      assertEquals("y", out.get("name").asText());
      assertEquals("FP32", out.get("datatype").asText());
      assertEquals("[3,2]", out.get("shape").toString());
      for (int i = 0; i < rows.length; i++) {
        float[] want = TestModels.linearExpected(W, B, rows[i]);
        for (int j = 0; j < 2; j++) {
          assertEquals(
              want[j], out.get("data").get(i * 2 + j).floatValue(), 1e-5, "row " + i + " col " + j);
        }
      }
    }
    Http.Response nested =
        http.post(
            "/v2/models/lin/versions/1/infer",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[[1,2,3]]}]}");
    assertEquals(200, nested.status(), nested.body());
    assertEquals(
        TestModels.linearExpected(W, B, new float[] {1, 2, 3})[0],
        nested.json().get("outputs").get(0).get("data").get(0).floatValue(),
        1e-5);
  }

  @Test
  void metadataReadinessAndTheDefaultVersion() throws Exception {
    http.put("/v1/models/meta/versions/1", TestModels.linear(W, B));
    http.put("/v1/models/meta/versions/2", TestModels.linear(W, new float[] {1, 1}));
    deploy("meta", "1", 1);

    JsonNode md = http.get("/v2/models/meta").json();
    assertEquals("meta", md.get("name").asText());
    assertEquals("[\"1\",\"2\"]", md.get("versions").toString());
    assertEquals("onnxruntime_onnx", md.get("platform").asText());
    assertEquals("FP32", md.get("inputs").get(0).get("datatype").asText());
    assertEquals("[-1,2]", md.get("outputs").get(0).get("shape").toString());
    assertEquals(200, http.get("/v2/models/meta/versions/2").status());
    assertEquals(404, http.get("/v2/models/meta/versions/3").status());
    assertEquals(200, http.get("/v2/models/meta/ready").status());
    assertEquals(200, http.get("/v2/models/meta/versions/1/ready").status());
    Http.Response notReady = http.get("/v2/models/meta/versions/2/ready");
    assertEquals(503, notReady.status(), notReady.body());
    assertEquals(404, http.get("/v2/models/nope/ready").status());

    // Triton's model configuration, as perf_analyzer reads it first: no batching here, so the
    // first dimension stays in dims.
    JsonNode config = http.get("/v2/models/meta/versions/1/config").json();
    assertEquals("meta", config.get("name").asText());
    assertEquals("onnxruntime_onnx", config.get("platform").asText());
    assertEquals("onnxruntime", config.get("backend").asText());
    assertEquals(0, config.get("max_batch_size").asInt());
    assertEquals("x", config.get("input").get(0).get("name").asText());
    assertEquals("TYPE_FP32", config.get("input").get(0).get("data_type").asText());
    assertEquals("[-1,3]", config.get("input").get(0).get("dims").toString());
    assertEquals("[-1,2]", config.get("output").get(0).get("dims").toString());
    assertTrue(config.get("dynamic_batching") == null, config.toString());
    assertEquals("KIND_AUTO", config.get("instance_group").get(0).get("kind").asText());
    assertEquals(1, config.get("instance_group").get(0).get("count").asInt());
    assertEquals(1, config.get("version_policy").get("latest").get("num_versions").asInt());
    assertEquals(
        0,
        http.get("/v2/models/meta/versions/2/config")
            .json()
            .get("instance_group")
            .get(0)
            .get("count")
            .asInt(),
        "version 2 has no deployment yet");
    assertEquals(404, http.get("/v2/models/meta/versions/3/config").status());
    assertEquals(404, http.get("/v2/models/nope/config").status());
    assertTrue(http.get("/v2").body().contains("\"model_configuration\""));

    float[][] row = {{1, 1, 1}};
    assertEquals(
        "1",
        http.post("/v2/models/meta/infer", inferBody("x", row))
            .json()
            .get("model_version")
            .asText());
    deploy("meta", "2", 1);
    Http.Response v2 = http.post("/v2/models/meta/infer", inferBody("x", row));
    assertEquals(
        "2",
        v2.json().get("model_version").asText(),
        "without a version the highest Ready one serves");
    assertEquals(
        TestModels.linearExpected(W, new float[] {1, 1}, row[0])[0],
        v2.json().get("outputs").get(0).get("data").get(0).floatValue(),
        1e-5);
    assertEquals(
        "1",
        http.post("/v2/models/meta/versions/1/infer", inferBody("x", row))
            .json()
            .get("model_version")
            .asText());
  }

  @Test
  void outputsFilterReturnsOnlyWhatWasAskedFor() {
    http.put("/v1/models/two/versions/1", TestModels.twoOutputs());
    deploy("two", "1", 1);
    String inputs =
        "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":[1,2,3,4,5,6]}]";
    Http.Response all = http.post("/v2/models/two/infer", "{" + inputs + "}");
    assertEquals(200, all.status(), all.body());
    assertEquals(2, all.json().get("outputs").size());
    Http.Response sum =
        http.post(
            "/v2/models/two/infer",
            "{" + inputs + ",\"outputs\":[{\"name\":\"sum\",\"parameters\":{}}]}");
    assertEquals(200, sum.status(), sum.body());
    assertEquals(1, sum.json().get("outputs").size());
    JsonNode out = sum.json().get("outputs").get(0);
    assertEquals("sum", out.get("name").asText());
    assertEquals(6f, out.get("data").get(0).floatValue(), 1e-6);
    assertEquals(15f, out.get("data").get(1).floatValue(), 1e-6);
  }

  @Test
  void everyClientMistakeGetsAClearError() {
    http.put("/v1/models/err/versions/1", TestModels.linear(W, B));
    deploy("err", "1", 1);
    http.put("/v1/models/undeployed/versions/1", TestModels.linear(W, B));
    String good = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}";

    List<Object[]> cases =
        new ArrayList<>(
            List.of(
                new Object[] {
                  "/v2/models/ghost/infer", "{\"inputs\":[" + good + "]}", 404, "ghost"
                },
                new Object[] {
                  "/v2/models/err/versions/7/infer", "{\"inputs\":[" + good + "]}", 404, "7"
                },
                new Object[] {"/v2/models/err/infer", "{\"inputs\":[" + good, 400, "JSON"},
                new Object[] {"/v2/models/err/infer", "{\"id\":\"a\"}", 400, "inputs"},
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"z\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}",
                  400,
                  "'z'"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[1,3],\"data\":[1,2,3]}]}",
                  400,
                  "INT32"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP99\",\"shape\":[1,3],\"data\":[1,2,3]}]}",
                  400,
                  "FP99"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
                  400,
                  "shape"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2]}]}",
                  400,
                  "elements"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,\"a\",3]}]}",
                  400,
                  "element"
                },
                new Object[] {
                  "/v2/models/err/infer",
                  "{\"inputs\":[" + good + "],\"outputs\":[{\"name\":\"nope\"}]}",
                  400,
                  "'nope'"
                },
                new Object[] {
                  "/v2/models/undeployed/infer", "{\"inputs\":[" + good + "]}", 503, "Ready"
                },
                new Object[] {
                  "/v1/models/err/deployments",
                  "{\"version\":\"1\",\"replicas\":\"two\"}",
                  400,
                  "replicas"
                },
                new Object[] {
                  "/v1/models/err/deployments",
                  "{\"version\":\"1\",\"replicas\":1,\"device\":\"tpu\"}",
                  400,
                  "device"
                },
                new Object[] {
                  "/v1/models/err/deployments", "{\"version\":\"5\",\"replicas\":1}", 404, "5"
                },
                new Object[] {"/v1/models/err/deployments", "not json", 400, "JSON"}));
    for (Object[] c : cases) {
      Http.Response r = http.post((String) c[0], (String) c[1]);
      assertEquals((int) c[2], r.status(), c[0] + " " + c[1] + " -> " + r.body());
      assertNotNull(r.error(), "error body for " + c[0] + " " + c[1] + ": " + r.body());
      assertTrue(r.error().contains((String) c[3]), "'" + r.error() + "' should name " + c[3]);
    }

    Http.Response invalid = http.put("/v1/models/bad/versions/1", TestModels.invalid());
    assertEquals(400, invalid.status(), invalid.body());
    assertTrue(invalid.error().contains("ONNX"), invalid.error());
    assertEquals(404, http.get("/v1/models/bad").status(), "an invalid file registers nothing");

    Http.Response tooLarge = http.put("/v1/models/big/versions/1", new byte[2 * 1024 * 1024]);
    assertEquals(413, tooLarge.status(), tooLarge.body());
    assertEquals(404, http.get("/v1/models/big").status());

    assertEquals(
        400, http.put("/v1/models/bad%20name/versions/1", TestModels.linear(W, B)).status());
    assertEquals(404, http.get("/v2/models/ghost").status());
    assertEquals(404, http.get("/v1/models/ghost/history").status());
    assertEquals(404, http.get("/no/such/route").status());

    // The node is still up and still serves the model that was there.
    assertEquals(200, http.get("/v2/health/live").status());
    assertEquals(200, http.post("/v2/models/err/infer", "{\"inputs\":[" + good + "]}").status());
  }

  @Test
  void historyIsTheJournalInOrderWithWhoAndWhy() {
    http.send(
        HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/models/hist/versions/1"))
            .header("X-Request-Id", "upload-77")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(TestModels.linear(W, B))));
    deploy("hist", "1", 1);
    assertEquals(200, http.post("/v2/repository/models/hist/unload", "").status());

    JsonNode events = http.get("/v1/models/hist/history").json().get("events");
    List<String> names = new ArrayList<>();
    events.forEach(e -> names.add(e.get("event").asText()));
    assertEquals(
        List.of("VersionRegistered", "DeploymentSet", "ReplicaPlaced", "DeploymentRemoved"), names);
    JsonNode upload = events.get(0);
    // The key that made the change, by name and id: the node's administrator key here.
    assertTrue(
        upload.get("principal").asText().matches("admin \\(k-[0-9a-f]{16}\\)"),
        upload.get("principal").asText());
    assertEquals("upload-77", upload.get("request_id").asText());
    assertFalse(upload.get("at").asText().isEmpty());
    assertEquals("hist/1/0", events.get(2).get("details").get("replica").asText());
    assertEquals(1, events.get(0).get("seq").asLong());
    assertEquals(4, events.get(3).get("seq").asLong());
  }

  @Test
  void tritonClientsLoadWithBase64FilesAndUnload() {
    String b64 = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    String config = "{\\\"instance_group\\\":[{\\\"count\\\":2,\\\"kind\\\":\\\"KIND_CPU\\\"}]}";
    Http.Response load =
        http.post(
            "/v2/repository/models/tri/load",
            "{\"parameters\":{\"config\":\""
                + config
                + "\",\"file:1/model.onnx\":\""
                + b64
                + "\"}}");
    assertEquals(200, load.status(), load.body());
    http.await("/v1/models/tri", readyReplicas("1", 2), READY);

    Http.Response r = http.post("/v2/models/tri/infer", inferBody("x", new float[][] {{1, 2, 3}}));
    assertEquals(200, r.status(), r.body());
    assertEquals(
        TestModels.linearExpected(W, B, new float[] {1, 2, 3})[1],
        r.json().get("outputs").get(0).get("data").get(1).floatValue(),
        1e-5);

    JsonNode index = http.post("/v2/repository/index", "{}").json();
    boolean listed = false;
    for (JsonNode m : index) {
      if (m.get("name").asText().equals("tri")) {
        listed = true;
        assertEquals("READY", m.get("state").asText());
      }
    }
    assertTrue(listed, index.toString());

    Http.Response badB64 =
        http.post(
            "/v2/repository/models/tri2/load", "{\"parameters\":{\"file:1/model.onnx\":\"***\"}}");
    assertEquals(400, badB64.status(), badB64.body());

    assertEquals(200, http.post("/v2/repository/models/tri/unload", "{}").status());
    http.await("/v1/models/tri", resp -> resp.json().get("replicas").isEmpty(), READY);
    assertEquals(
        503, http.post("/v2/models/tri/infer", inferBody("x", new float[][] {{1, 2, 3}})).status());
    assertEquals(404, http.post("/v2/repository/models/ghost/unload", "{}").status());
  }

  @Test
  void aReplicaThatFitsNowhereIsPendingWithTheReason() {
    http.put("/v1/models/gpuonly/versions/1", TestModels.linear(W, B));
    Http.Response deploy =
        http.post(
            "/v1/models/gpuonly/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"device\":\"gpu\"}");
    assertEquals(202, deploy.status(), deploy.body());
    // This node's inventory is CPU only: the replica is not started, and says why.
    Http.Response pending =
        http.await(
            "/v1/models/gpuonly",
            r -> {
              JsonNode reps = r.json().path("replicas");
              return reps.size() == 1 && "PENDING".equals(reps.get(0).path("state").asText());
            },
            READY);
    String reason = pending.json().get("replicas").get(0).get("reason").asText();
    assertTrue(reason.contains("GPU") && reason.contains("gpuonly/1/0"), reason);
    Http.Response infer =
        http.post("/v2/models/gpuonly/infer", inferBody("x", new float[][] {{1, 2, 3}}));
    assertEquals(503, infer.status(), infer.body());

    assertEquals(
        202,
        http.post(
                "/v1/models/gpuonly/deployments",
                "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}")
            .status());
    http.await("/v1/models/gpuonly", readyReplicas("1", 1), READY);
    assertEquals(
        200,
        http.post("/v2/models/gpuonly/infer", inferBody("x", new float[][] {{1, 2, 3}})).status());
  }

  @Test
  void aReplicaThatCannotLoadShowsFailedWithTheReasonAndIsRetried() throws Exception {
    byte[] model = TestModels.linear(W, new float[] {7, 7});
    String digest = http.put("/v1/models/broken/versions/1", model).json().get("digest").asText();
    Path file =
        dataDir
            .resolve("artifacts")
            .resolve("sha256")
            .resolve(digest.substring("sha256:".length()));
    Files.write(file, "corrupted on disk".getBytes());
    assertEquals(
        202,
        http.post("/v1/models/broken/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    Http.Response failed =
        http.await(
            "/v1/models/broken",
            r -> {
              JsonNode reps = r.json().path("replicas");
              return reps.size() == 1
                  && "FAILED".equals(reps.get(0).path("state").asText())
                  && reps.get(0).path("reason").asText().contains("attempt 2");
            },
            READY);
    String reason = failed.json().get("replicas").get(0).get("reason").asText();
    assertTrue(
        reason.contains(digest),
        "the reason names the artifact that failed its digest check: " + reason);
    Http.Response infer =
        http.post("/v2/models/broken/infer", inferBody("x", new float[][] {{1, 2, 3}}));
    assertEquals(503, infer.status(), infer.body());
    assertTrue(infer.error().contains("FAILED"), infer.error());

    // Once the file is right again, the next retry loads it.
    Files.write(file, model);
    http.await("/v1/models/broken", readyReplicas("1", 1), READY);
    assertEquals(
        200,
        http.post("/v2/models/broken/infer", inferBody("x", new float[][] {{1, 2, 3}})).status());
  }
}
