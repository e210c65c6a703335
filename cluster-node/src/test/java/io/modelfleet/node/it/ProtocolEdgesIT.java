package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol edges that real clients hit (issue 8, point 7), over real HTTP against nodes in this
 * JVM: the repository index's ready filter, version names, a repository load that times out with an
 * answer, KIND_GPU on a CPU-only cluster, node readiness against strict readiness, and draining:
 * refused for the only worker, cancellable otherwise.
 *
 * <p>The steps run in order. First one CPU-only node, the only worker. Then a second node joins it,
 * sharing its H2 registry (same JVM) and the artifacts in it: a worker with one simulated 1 MiB
 * GPU, on which no replica fits (so a GPU deployment stays PENDING however long one waits), with
 * strict readiness.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProtocolEdgesIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
  private static final String KIND_GPU =
      "{\\\"instance_group\\\":[{\\\"kind\\\":\\\"KIND_GPU\\\"}]}";

  @TempDir static Path dirA;
  @TempDir static Path dirB;
  static FleetNode a;
  static FleetNode b;
  static Http http;

  @BeforeAll
  static void start() {
    a = FleetNode.start(TestNodes.config(dirA, common()));
    http = new Http(a.baseUrl());
  }

  /**
   * Both nodes: a short load-timeout, the connection's stall timeout well above it, no drain on
   * stop.
   */
  private static Map<String, Object> common() {
    Map<String, Object> c = new HashMap<>();
    c.put("modelfleet.gateway.load-timeout", "3s");
    c.put("modelfleet.gateway.stall-timeout", "40s");
    // Below the stall timeout, which the node checks at start.
    c.put("modelfleet.gateway.cold-start-timeout", "20s");
    c.put("modelfleet.artifacts.shared-store", "database");
    c.put("modelfleet.node.shutdown-drain-timeout", "0s");
    c.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
    return c;
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  @Order(1)
  void versionNamesAreExactAndNumericOnesCanonical() {
    assertEquals(201, http.put("/v1/models/ver/versions/1", TestModels.linear(W, B)).status());

    Http.Response padded = http.put("/v1/models/ver/versions/01", TestModels.linear(W, B));
    assertEquals(400, padded.status(), padded.body());
    assertTrue(
        padded.error().contains("'01'") && padded.error().contains("write it as '1'"),
        padded.error());
    String b64 = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    Http.Response loadPadded =
        http.post(
            "/v2/repository/models/ver/load",
            "{\"parameters\":{\"file:001/model.onnx\":\"" + b64 + "\"}}");
    assertEquals(400, loadPadded.status(), loadPadded.body());
    assertTrue(loadPadded.error().contains("write it as '1'"), loadPadded.error());

    // "01" names no version: deploying it is a 404 that lists the real ones, and nothing changes.
    Http.Response deployPadded =
        http.post("/v1/models/ver/deployments", "{\"version\":\"01\",\"replicas\":1}");
    assertEquals(404, deployPadded.status(), deployPadded.body());
    assertEquals("model 'ver' has no version '01'; versions: [1]", deployPadded.error());
    assertEquals(0, http.get("/v1/models/ver").json().get("deployments").size());

    assertEquals(
        202,
        http.post("/v1/models/ver/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    http.await("/v1/models/ver", readyReplicas("1", 1), READY);
    Http.Response served = http.post("/v2/models/ver/versions/1/infer", ROW);
    assertEquals(200, served.status(), served.body());
    assertEquals("1", served.json().get("model_version").asText());
    Http.Response inferPadded = http.post("/v2/models/ver/versions/01/infer", ROW);
    assertEquals(404, inferPadded.status(), inferPadded.body());
    assertEquals("model 'ver' has no version '01'; versions: [1]", inferPadded.error());
    assertEquals(404, http.get("/v2/models/ver/versions/01/ready").status());
    assertEquals(200, http.get("/v2/models/ver/versions/1/ready").status());
  }

  @Test
  @Order(2)
  void repositoryIndexReadyFilterListsOnlyReadyVersions() {
    assertEquals(201, http.put("/v1/models/idle/versions/1", TestModels.linear(W, B)).status());
    List<String> all = entries(http.post("/v2/repository/index", "{}"));
    assertTrue(all.contains("idle/1 UNAVAILABLE") && all.contains("ver/1 READY"), all.toString());
    assertEquals(all, entries(http.post("/v2/repository/index", "")));
    assertEquals(all, entries(http.post("/v2/repository/index", "{\"ready\":false}")));

    assertEquals(
        List.of("ver/1 READY"), entries(http.post("/v2/repository/index", "{\"ready\":true}")));
    Http.Response bad = http.post("/v2/repository/index", "{\"ready\":\"yes\"}");
    assertEquals(400, bad.status(), bad.body());
    assertEquals("'ready' must be a boolean, got a string", bad.error());
  }

  @Test
  @Order(3)
  void gpuOnACpuOnlyClusterFailsFastForALoadAndStaysPendingForADeploymentWhileTheNodeStaysReady() {
    // The gateway learns the workers' devices from the node directory; wait until it has them.
    http.await(
        "/v1/cluster/members",
        r -> r.json().get("members").get(0).get("devices").size() > 0,
        READY);
    String b64 = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    long t0 = System.nanoTime();
    Http.Response load =
        http.post(
            "/v2/repository/models/gpuload/load",
            "{\"parameters\":{\"config\":\""
                + KIND_GPU
                + "\",\"file:1/model.onnx\":\""
                + b64
                + "\"}}");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(400, load.status(), load.body());
    assertTrue(
        load.error()
            .startsWith(
                "cannot load 'gpuload' on a GPU: its config asks for KIND_GPU, but no worker"
                    + " of the cluster has a GPU"),
        load.error());
    assertTrue(ms < 2_000, "refused at once, not after the load-timeout: " + ms + " ms");
    assertEquals(404, http.get("/v1/models/gpuload").status(), "nothing was uploaded");

    // A deployment records the desired state (a GPU worker may join later): 202, replica PENDING.
    assertEquals(201, http.put("/v1/models/gpu/versions/1", TestModels.linear(W, B)).status());
    Http.Response deploy =
        http.post(
            "/v1/models/gpu/deployments", "{\"version\":\"1\",\"replicas\":1,\"device\":\"gpu\"}");
    assertEquals(202, deploy.status(), deploy.body());
    Http.Response pending =
        http.await(
            "/v1/models/gpu",
            r ->
                r.json().get("replicas").size() == 1
                    && "PENDING".equals(r.json().get("replicas").get(0).get("state").asText()),
            READY);
    assertTrue(
        pending.json().get("replicas").get(0).get("reason").asText().contains("GPU"),
        pending.body());
    assertEquals(503, http.get("/v2/models/gpu/ready").status());

    // This node can still serve every model that is placed: readiness (node mode) stays 200.
    Http.Response ready = http.get("/v2/health/ready");
    assertEquals(200, ready.status(), ready.body());
    assertTrue(ready.json().get("ready").asBoolean());
    assertEquals(200, http.post("/v2/models/ver/infer", ROW).status());
  }

  @Test
  @Order(4)
  void theOnlyWorkerCannotBeDrained() {
    String self = selfAddress(a);
    String path =
        "/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/drain";
    Http.Response drain = http.post(path, "");
    assertEquals(409, drain.status(), drain.body());
    assertTrue(
        drain
            .error()
            .startsWith("draining " + self + " would leave no worker to move its replicas to"),
        drain.error());
    assertFalse(member(http, self).get("draining").asBoolean());

    Http.Response cancel = http.delete(path);
    assertEquals(200, cancel.status(), cancel.body());
    assertEquals(
        "the member was not being drained; nothing changed", cancel.json().get("message").asText());
  }

  @Test
  @Order(5)
  void strictReadinessIsTritonsWhileNodeReadinessIgnoresAnUnplaceableModel() {
    Map<String, Object> cfg = common();
    cfg.put("modelfleet.cluster.seed-nodes", selfAddress(a));
    cfg.put(
        "modelfleet.database.url",
        "jdbc:h2:file:" + dirA.resolve("registry").toAbsolutePath() + ";DATABASE_TO_UPPER=false");
    cfg.put("modelfleet.database.user", "sa");
    cfg.put("modelfleet.database.create-schema", false);
    cfg.put("modelfleet.devices.mode", "simulated");
    cfg.put("modelfleet.devices.simulated-gpus", 1);
    cfg.put("modelfleet.devices.simulated-gpu-memory", "1 MiB");
    cfg.put("modelfleet.gateway.readiness", "strict");
    b = FleetNode.start(TestNodes.config(dirB, cfg));
    http.await("/v1/cluster/members", r -> upWorkers(r.json()) == 2, READY);
    Http httpB = new Http(b.baseUrl());

    // Joining, B is not ready in either mode; once Up and holding the replica directory (so 'ver'
    // is Ready there too), strict mode still says no, naming only the unplaceable model.
    // Right after the join, the registry may not answer within the ask timeout while its shards
    // settle (503 naming 'gpu' as unreadable); wait for the verdict itself.
    Http.Response strict =
        httpB.await(
            "/v2/health/ready",
            r ->
                r.status() == 503
                    && r.json().get("error").asText().contains("model 'gpu' has no Ready replica")
                    && !r.json().get("error").asText().contains("model 'ver'"),
            READY);
    assertFalse(strict.json().get("ready").asBoolean());
    assertTrue(
        strict.json().get("error").asText().contains("model 'gpu' has no Ready replica (1 PENDING"),
        strict.body());
    assertEquals(200, http.get("/v2/health/ready").status());
  }

  @Test
  @Order(6)
  void aLoadThatOutwaitsTheLoadTimeoutGetsAJson503BeforeAnyConnectionTimeout() {
    // The cluster has a GPU now (a simulated one), so the load is not refused; nothing fits on it.
    http.await(
        "/v1/cluster/members",
        r -> {
          for (JsonNode m : r.json().get("members")) {
            for (JsonNode d : m.get("devices")) {
              if ("gpu".equals(d.get("kind").asText())) {
                return true;
              }
            }
          }
          return false;
        },
        READY);
    String b64 = Base64.getEncoder().encodeToString(TestModels.linear(W, B));
    long t0 = System.nanoTime();
    Http.Response load =
        http.post(
            "/v2/repository/models/slow/load",
            "{\"parameters\":{\"config\":\""
                + KIND_GPU
                + "\",\"file:1/model.onnx\":\""
                + b64
                + "\"}}");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, load.status(), load.body());
    assertTrue(
        load.error()
            .startsWith(
                "load of model 'slow' timed out: version '1' has no Ready replica after 3 s"
                    + " (modelfleet.gateway.load-timeout; "),
        load.error());
    assertTrue(load.error().contains("PENDING"), load.error());
    assertTrue(ms >= 2_900 && ms < 10_000, "answered by the load's own deadline: " + ms + " ms");
  }

  @Test
  @Order(7)
  void aDrainCanBeCancelledAndTheMemberStays() throws Exception {
    String self = selfAddress(a);
    String path =
        "/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/drain";
    Http.Response drain = http.post(path, "");
    assertEquals(202, drain.status(), drain.body());
    assertTrue(drain.json().get("draining").asBoolean());
    Http.Response cancel = http.delete(path);
    assertEquals(200, cancel.status(), cancel.body());
    assertFalse(cancel.json().get("draining").asBoolean());
    assertTrue(
        cancel.json().get("message").asText().startsWith("the drain is cancelled"), cancel.body());
    assertFalse(member(http, self).get("draining").asBoolean());

    // Long enough for the controller to have acted on a drain it had seen: the member stays Up.
    Thread.sleep(3_000);
    JsonNode m = member(http, self);
    assertEquals("Up", m.get("status").asText(), m.toString());
    assertFalse(m.get("draining").asBoolean());
    assertEquals(200, http.post("/v2/models/ver/infer", ROW).status());
  }

  private static String selfAddress(FleetNode node) {
    return Cluster.get(node.system()).selfMember().address().toString();
  }

  private static JsonNode member(Http client, String address) {
    for (JsonNode m : client.get("/v1/cluster/members").json().get("members")) {
      if (address.equals(m.get("address").asText())) {
        return m;
      }
    }
    throw new AssertionError("no member " + address);
  }

  private static int upWorkers(JsonNode members) {
    int n = 0;
    for (JsonNode m : members.get("members")) {
      boolean worker = false;
      for (JsonNode r : m.get("roles")) {
        worker |= "worker".equals(r.asText());
      }
      if (worker && "Up".equals(m.get("status").asText()) && m.get("devices").size() > 0) {
        n++;
      }
    }
    return n;
  }

  /** "model/version STATE" for each index entry. */
  private static List<String> entries(Http.Response index) {
    assertEquals(200, index.status(), index.body());
    List<String> out = new ArrayList<>();
    for (JsonNode e : index.json()) {
      out.add(
          e.get("name").asText() + "/" + e.get("version").asText() + " " + e.get("state").asText());
    }
    return out;
  }
}
