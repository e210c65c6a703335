package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.demo.DemoModel;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default as a user runs it: a node process with the demo model, an upload and a
 * deployment, SIGTERM, and a second process on the same data directory that serves everything again
 * without a re-upload and still has the whole history.
 */
class RestartIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final float[][] W = {{1f, 2f}, {3f, 4f}, {5f, 6f}};
  private static final float[] B = {0.5f, -0.5f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,-1,2]}]}";

  @TempDir Path dataDir;

  private static List<String> eventNames(Http http, String model) {
    List<String> names = new ArrayList<>();
    http.get("/v1/models/" + model + "/history")
        .json()
        .get("events")
        .forEach(e -> names.add(e.get("event").asText()));
    return names;
  }

  private static void assertServes(Http http) {
    Http.Response r = http.post("/v2/models/keep/infer", ROW);
    assertEquals(200, r.status(), r.body());
    float[] want = TestModels.linearExpected(W, B, new float[] {1, -1, 2});
    assertEquals(want[0], r.json().get("outputs").get(0).get("data").get(0).floatValue(), 1e-5);
    assertEquals(want[1], r.json().get("outputs").get(0).get("data").get(1).floatValue(), 1e-5);

    Http.Response demo =
        http.post(
            "/v2/models/demo/infer",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}");
    assertEquals(200, demo.status(), demo.body());
    float[] d = DemoModel.expected(new float[] {1, 2, 3, 4});
    assertEquals(d[0], demo.json().get("outputs").get(0).get("data").get(0).floatValue(), 1e-5);
  }

  @Test
  void everythingSurvivesSigtermAndRestart() throws Exception {
    String digest;
    List<String> historyBefore;
    try (NodeProcess first = NodeProcess.start(dataDir, Map.of("MODELFLEET_DEMO_MODEL", "true"))) {
      Http http = new Http(first.baseUrl());
      try {
        http.await("/v2/health/ready", r -> r.status() == 200, START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + first.log(), e);
      }
      assertTrue(
          first.log().contains("curl"), "the node prints a ready-to-paste curl:\n" + first.log());
      Http.Response up = http.put("/v1/models/keep/versions/1", TestModels.linear(W, B));
      assertEquals(201, up.status(), up.body());
      digest = up.json().get("digest").asText();
      assertEquals(
          202,
          http.post("/v1/models/keep/deployments", "{\"version\":\"1\",\"replicas\":2}").status());
      http.await("/v1/models/keep", readyReplicas("1", 2), START);
      assertServes(http);
      historyBefore = eventNames(http, "keep");

      int exit = first.terminate(Duration.ofSeconds(60));
      assertFalse(first.isAlive());
      assertTrue(exit == 0 || exit == 143, "exit code after SIGTERM: " + exit + "\n" + first.log());
    }

    try (NodeProcess second = NodeProcess.start(dataDir, Map.of("MODELFLEET_DEMO_MODEL", "true"))) {
      Http http = new Http(second.baseUrl());
      try {
        http.await("/v1/models/keep", readyReplicas("1", 2), START);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + second.log(), e);
      }
      JsonNode keep = http.get("/v1/models/keep").json();
      assertEquals(digest, keep.get("versions").get(0).get("digest").asText());
      assertServes(http);
      List<String> historyAfter = eventNames(http, "keep");
      assertEquals(
          historyBefore,
          historyAfter.subList(0, historyBefore.size()),
          "history before the restart is intact");
      assertTrue(
          historyBefore.containsAll(List.of("VersionRegistered", "DeploymentSet", "ReplicaPlaced")),
          historyBefore.toString());
      List<String> models = new ArrayList<>();
      http.get("/v1/models").json().get("models").forEach(m -> models.add(m.get("name").asText()));
      assertEquals(List.of("demo", "keep"), models);
      assertEquals(
          1,
          eventNames(http, "demo").stream().filter("VersionRegistered"::equals).count(),
          "the demo model is registered once, not again at every start");
    }
  }
}
