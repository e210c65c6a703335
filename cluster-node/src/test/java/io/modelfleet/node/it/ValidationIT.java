package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stability checks on a real node: a version whose replicas give the outputs its validation samples
 * expect becomes READY; one that gives other outputs stays FAILED with the sample, the output, the
 * element and both values in the reason, never takes traffic, and an alias switch to it stays
 * pending while the previous version keeps serving.
 */
class ValidationIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {0f, 0f}};

  /** For x = [1, 2, 3], version 1 (bias [1, 0]) answers y = [2, 2]; version 2 answers [3, 2]. */
  private static final String SAMPLES =
      "{\"samples\":[{\"name\":\"one-two-three\",\"atol\":1e-5,\"rtol\":1e-4,"
          + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}],"
          + "\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[2,2]}]}]}";

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = FleetNode.start(TestNodes.config(dataDir, Map.of()));
    http = new Http(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Http.Response putJson(String path, String json) {
    return http.send(
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static void deploy(String version) {
    Http.Response r =
        http.post(
            "/v1/models/vi/deployments",
            "{\"version\":\"" + version + "\",\"replicas\":1,\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
  }

  /** The version that answered; with x = 0 the first output is the bias, the version number. */
  private static String served(String path) {
    Http.Response r =
        http.post(
            path,
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],"
                + "\"data\":[0,0,0]}]}");
    assertEquals(200, r.status(), path + ": " + r.body());
    return r.json().get("model_version").asText();
  }

  @Test
  void aVersionFailingItsSamplesNeverTakesTrafficAndTheAliasWaits() {
    assertEquals(
        201,
        http.put("/v1/models/vi/versions/1", TestModels.linear(W, new float[] {1, 0})).status());
    Http.Response set = putJson("/v1/models/vi/versions/1/validation", SAMPLES);
    assertEquals(200, set.status(), set.body());
    assertEquals(
        "one-two-three",
        set.json().get("versions").get(0).get("validation").get(0).asText(),
        set.body());

    // Refusals: a malformed sample 400 naming the field, an unknown version 404.
    Http.Response bad =
        putJson(
            "/v1/models/vi/versions/1/validation", SAMPLES.replace("\"atol\":1e-5", "\"atol\":-1"));
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.error().contains("'samples[0].atol'"), bad.error());
    assertEquals(404, putJson("/v1/models/vi/versions/9/validation", SAMPLES).status());
    Http.Response typo =
        putJson(
            "/v1/models/vi/versions/1/validation",
            SAMPLES.replace("\"name\":\"y\"", "\"name\":\"z\""));
    assertEquals(400, typo.status(), typo.body());
    assertEquals(
        "'samples[0].outputs[0]': version '1' has no output 'z'; its outputs: [y]", typo.error());

    deploy("1");
    http.await("/v1/models/vi", readyReplicas("1", 1), READY);
    assertEquals(200, putJson("/v1/models/vi/aliases/stable", "{\"version\":\"1\"}").status());
    assertEquals("1", served("/v2/models/vi/infer"));

    // Version 2 computes other outputs, but carries version 1's samples.
    assertEquals(
        201,
        http.put("/v1/models/vi/versions/2", TestModels.linear(W, new float[] {2, 0})).status());
    assertEquals(200, putJson("/v1/models/vi/versions/2/validation", SAMPLES).status());
    Http.Response pending = putJson("/v1/models/vi/aliases/stable", "{\"version\":\"2\"}");
    assertEquals(200, pending.status(), pending.body());
    deploy("2");
    Http.Response failed =
        http.await(
            "/v1/models/vi",
            m -> {
              for (JsonNode rep : m.json().path("replicas")) {
                if ("2".equals(rep.path("version").asText())
                    && "FAILED".equals(rep.path("state").asText())) {
                  return true;
                }
              }
              return false;
            },
            READY);
    String reason = null;
    for (JsonNode rep : failed.json().get("replicas")) {
      if ("2".equals(rep.path("version").asText())) {
        reason = rep.get("reason").asText();
      }
    }
    assertTrue(
        reason.startsWith(
            "validation sample 'one-two-three': output 'y' element 0: expected 2.0, got 3.0"
                + " (difference 1.0, allowed "),
        reason);

    JsonNode stable = http.get("/v1/models/vi").json().get("aliases").get("stable");
    assertEquals("2", stable.get("version").asText());
    assertEquals("1", stable.get("serving").asText());
    assertTrue(stable.get("pending").asBoolean());
    for (int i = 0; i < 20; i++) {
      assertEquals("1", served("/v2/models/vi/infer"));
      assertEquals("1", served("/v2/models/vi/versions/stable/infer"));
    }
    Http.Response ready2 = http.get("/v2/models/vi/versions/2/ready");
    assertTrue(ready2.status() != 200, ready2.status() + " " + ready2.body());

    int validationEvents = 0;
    int failures = 0;
    Http.Response history =
        http.await("/v1/models/vi/history", r -> r.body().contains("ValidationFailed"), READY);
    for (JsonNode e : history.json().get("events")) {
      if (e.get("event").asText().equals("ValidationSet")) {
        validationEvents++;
        assertEquals("[\"one-two-three\"]", e.get("details").get("samples").toString());
        assertTrue(e.hasNonNull("principal"), e.toString());
      }
      if (e.get("event").asText().equals("ValidationFailed")) {
        failures++;
        assertEquals("modelfleet-validation", e.get("principal").asText());
        assertEquals("{\"version\":\"2\",\"replica\":\"vi/2/0\"}", e.get("details").toString());
        assertTrue(
            e.get("reason").asText().startsWith("validation sample 'one-two-three': output 'y'"),
            e.toString());
      }
    }
    assertEquals(2, validationEvents);
    assertEquals(1, failures, "one entry per replica start, not one per retry");
  }

  private static String load(byte[] onnx, String version, String samples) {
    String b64 = java.util.Base64.getEncoder().encodeToString(onnx);
    String v = java.util.Base64.getEncoder().encodeToString(samples.getBytes());
    return "{\"parameters\":{\"file:"
        + version
        + "/model.onnx\":\""
        + b64
        + "\",\"file:"
        + version
        + "/validation.json\":\""
        + v
        + "\"}}";
  }

  @Test
  void aRepositoryLoadBringsTheVersionsSamplesAndFailsWhenTheyDoNotMatch() {
    byte[] one = TestModels.linear(W, new float[] {1, 0});
    byte[] two = TestModels.linear(W, new float[] {2, 0});
    // Samples that name a tensor the model does not have: refused before anything is deployed.
    Http.Response typo =
        http.post(
            "/v2/repository/models/rl/load",
            load(one, "1", SAMPLES.replace("\"name\":\"y\"", "\"name\":\"z\"")));
    assertEquals(400, typo.status(), typo.body());
    assertEquals(
        "'samples[0].outputs[0]': version '1' has no output 'z'; its outputs: [y]", typo.error());
    Http.Response notJson =
        http.post(
            "/v2/repository/models/rl/load",
            load(one, "1", "samples").replace("\"file:1/model.onnx\"", "\"other\""));
    assertEquals(400, notJson.status(), notJson.body());
    assertTrue(notJson.error().startsWith("parameter 'file:1/validation.json' is not JSON"));

    Http.Response first = http.post("/v2/repository/models/rl/load", load(one, "1", SAMPLES));
    assertEquals(200, first.status(), first.body());
    assertEquals("1", served("/v2/models/rl/infer"));
    JsonNode v1 = http.get("/v1/models/rl").json().get("versions").get(0);
    assertEquals("[\"one-two-three\"]", v1.get("validation").toString(), v1.toString());

    // Version 2 with the same samples computes other outputs: the load fails naming the sample,
    // and version 1 keeps serving.
    Http.Response second = http.post("/v2/repository/models/rl/load", load(two, "2", SAMPLES));
    assertEquals(400, second.status(), second.body());
    assertTrue(
        second.error().contains("validation sample 'one-two-three': output 'y' element 0"),
        second.error());
    for (int i = 0; i < 10; i++) {
      assertEquals("1", served("/v2/models/rl/infer"));
    }
  }
}
