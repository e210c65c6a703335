package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Alerts;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The node and cluster alert rules on real in-process nodes: a simulated GPU of 70 MiB filled by
 * one replica's 64 MiB footprint (GPU memory near full), a replica that fits on no GPU (PENDING
 * past its grace), and a second node whose actor system stops without leaving (unreachable, then
 * removed by hand and forgotten after the retention). The first node is the leader and evaluates
 * the cluster rules. Automatic downing is off on it, so the unreachable node stays so until the
 * test downs it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAlertsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0f, 0f};

  @TempDir static Path dir;
  static FleetNode node;
  static FleetNode other;
  static Http http;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(
            TestNodes.config(
                dir.resolve("a"),
                Map.ofEntries(
                    Map.entry("modelfleet.devices.mode", "simulated"),
                    Map.entry("modelfleet.devices.simulated-gpus", 1),
                    Map.entry("modelfleet.devices.simulated-gpu-memory", "70 MiB"),
                    Map.entry("modelfleet.cluster.node-info-interval", "500ms"),
                    Map.entry("pekko.cluster.downing-provider-class", ""),
                    Map.entry("pekko.cluster.failure-detector.acceptable-heartbeat-pause", "1s"),
                    Map.entry("modelfleet.ops.alerts.interval", "250ms"),
                    Map.entry("modelfleet.ops.alerts.gpu-memory.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.replicas.grace", "1s"),
                    Map.entry("modelfleet.ops.alerts.unreachable.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.unreachable.lost-retention", "2s"))));
    http = new Http(node.baseUrl());
    for (String m : List.of("big", "nofit")) {
      Http.Response r = http.put("/v1/models/" + m + "/versions/1", TestModels.linear(W, B));
      assertEquals(201, r.status(), r.body());
    }
  }

  @AfterAll
  static void stop() {
    if (other != null) {
      other.system().terminate();
    }
    if (node != null) {
      node.close();
    }
  }

  static void deployGpu(String model) {
    Http.Response r =
        http.post(
            "/v1/models/" + model + "/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"device\":\"gpu\"}");
    assertEquals(202, r.status(), r.body());
  }

  static List<String> historyStatuses(String model) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : http.get("/v1/models/" + model + "/history").json().get("events")) {
      if ("AlertChanged".equals(e.path("event").asText())) {
        out.add(
            e.get("details").get("alert").asText() + " " + e.get("details").get("status").asText());
      }
    }
    return out;
  }

  static boolean twoUp(Http.Response r) {
    JsonNode members = r.json().get("members");
    int up = 0;
    for (JsonNode m : members) {
      up += "Up".equals(m.path("status").asText()) ? 1 : 0;
    }
    return members.size() == 2 && up == 2;
  }

  @Test
  @Order(1)
  void aReplicaFillingTheSimulatedGpuFiresGpuMemoryAndAnUnplaceableOneFiresNotReady() {
    deployGpu("big");
    http.await("/v1/models/big", readyReplicas("1", 1), Duration.ofSeconds(60));
    JsonNode gpu =
        Alerts.awaitFiring(http, "ModelFleetGpuMemoryNearFull", "device", "sim-gpu:0", WAIT);
    assertTrue(gpu.get("value").asDouble() > 0.9, gpu.toString());
    assertTrue(
        gpu.get("annotations").get("description").asText().contains("simulated"), gpu.toString());

    // 6 MiB are left: the second replica fits nowhere and stays PENDING past the 1 s grace.
    deployGpu("nofit");
    JsonNode pending =
        Alerts.awaitFiring(http, "ModelFleetReplicaNotReady", "model", "nofit", WAIT);
    assertEquals("critical", pending.get("severity").asText());
    assertTrue(
        pending.get("labels").get("replica").asText().startsWith("nofit/1/"), pending.toString());
    assertTrue(
        pending.get("annotations").get("description").asText().contains("PENDING"),
        pending.toString());

    assertEquals(200, http.delete("/v1/models/nofit/deployments/1").status());
    Alerts.awaitGone(http, "ModelFleetReplicaNotReady", "model", "nofit", WAIT);
    http.await(
        "/v1/models/nofit/history",
        r -> historyStatuses("nofit").contains("ModelFleetReplicaNotReady resolved"),
        WAIT);
    assertEquals(
        List.of("ModelFleetReplicaNotReady firing", "ModelFleetReplicaNotReady resolved"),
        historyStatuses("nofit"));

    assertEquals(200, http.delete("/v1/models/big/deployments/1").status());
    Alerts.awaitGone(http, "ModelFleetGpuMemoryNearFull", "device", "sim-gpu:0", WAIT);
  }

  @Test
  @Order(2)
  void aNodeThatDisappearsIsUnreachableUntilRemovedAndForgotten() {
    String seed = Cluster.get(node.system()).selfMember().address().toString();
    other =
        FleetNode.start(
            TestNodes.config(
                dir.resolve("b"),
                Map.of(
                    "modelfleet.cluster.roles", "gateway",
                    "modelfleet.cluster.seed-nodes", seed,
                    // Joining needs the same downing provider (Pekko checks it).
                    "pekko.cluster.downing-provider-class", "",
                    // Stopping the actor system must not leave the cluster: the node vanishes.
                    "pekko.coordinated-shutdown.run-by-actor-system-terminate", "off")));
    String address = Cluster.get(other.system()).selfMember().address().toString();
    http.await("/v1/cluster/members", ClusterAlertsIT::twoUp, WAIT);

    other.system().terminate();
    JsonNode lost = Alerts.awaitFiring(http, "ModelFleetNodeUnreachable", "node", address, WAIT);
    assertTrue(
        lost.get("annotations").get("description").asText().contains("unreachable"),
        lost.toString());

    Http.Response down =
        http.post(
            "/v1/cluster/members/" + URLEncoder.encode(address, StandardCharsets.UTF_8) + "/down",
            "");
    assertEquals(202, down.status(), down.body());
    // Removed while unreachable: still lost for the 2 s retention, then resolved.
    Alerts.awaitGone(http, "ModelFleetNodeUnreachable", "node", address, WAIT);
  }
}
