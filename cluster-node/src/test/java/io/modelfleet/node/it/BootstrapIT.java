package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node processes that know no seed nodes, only each other's management endpoints (config
 * discovery), form one cluster through pekko-management cluster bootstrap and serve together from a
 * real PostgreSQL. Without bootstrap none of them would join anything: no seed nodes and no
 * self-join, so no member would be Up. Bootstrap's stable-margin and the failure detector's
 * timeouts are lowered for the test.
 */
class BootstrapIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0.5f, -0.5f};
  private static final float[] X = {1f, 2f, 3f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static long startedAt;

  @BeforeAll
  static void startCluster() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    List<Integer> managementPorts =
        List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
    String contactPoints =
        managementPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    startedAt = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Map<String, String> env =
          new HashMap<>(
              Map.of(
                  "MODELFLEET_DISCOVERY", "config",
                  "MODELFLEET_CONTACT_POINTS", contactPoints,
                  "MODELFLEET_REQUIRED_CONTACT_POINTS", "3",
                  "MODELFLEET_MANAGEMENT_PORT", Integer.toString(managementPorts.get(i)),
                  // Pekko's 5 s wait for a stable list of contact points only slows a test whose
                  // list is fixed.
                  "JAVA_TOOL_OPTIONS",
                      "-Dpekko.management.cluster.bootstrap.contact-point-discovery.stable-margin=1s",
                  "MODELFLEET_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
                  "MODELFLEET_DB_USER", "postgres",
                  "MODELFLEET_SBR_STABLE_AFTER", "3s",
                  "MODELFLEET_HEARTBEAT_PAUSE", "2s",
                  "MODELFLEET_DEMO_MODEL", "false"));
      // Node 2 only serves HTTP: it hosts no replica and reaches the others through sharding
      // proxies.
      env.put("MODELFLEET_ROLES", i == 2 ? "gateway" : "gateway,worker");
      nodes.add(NodeProcess.start(dir.resolve("node" + i), env));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static Http http(int i) {
    return new Http(nodes.get(i).baseUrl());
  }

  /** The member addresses a node lists once it sees exactly three, all Up; else null. */
  static Set<String> threeUp(Http.Response r) {
    if (r.status() != 200 || r.json() == null || r.json().get("members").size() != 3) {
      return null;
    }
    Set<String> addresses = new TreeSet<>();
    for (JsonNode m : r.json().get("members")) {
      if (!"Up".equals(m.get("status").asText())) {
        return null;
      }
      addresses.add(m.get("address").asText());
    }
    return addresses;
  }

  /** Runs a step; on failure, adds every node's log to the message. */
  static <T> T withLogs(Supplier<T> step) {
    try {
      return step.get();
    } catch (AssertionError e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (int i = 0; i < nodes.size(); i++) {
        logs.append("\n--- node ").append(i).append(" log:\n").append(nodes.get(i).log());
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  @Test
  void threeNodesFormOneClusterThroughBootstrapAndServeAModelUploadedOnAnother() {
    // Every node sees the same three members Up: one cluster, not three of one.
    Set<String> first = null;
    for (int i = 0; i < 3; i++) {
      Http h = http(i);
      Set<String> seen =
          withLogs(() -> threeUp(h.await("/v1/cluster/members", r -> threeUp(r) != null, WAIT)));
      if (first == null) {
        first = seen;
      }
      assertEquals(first, seen, "node " + i + " lists the same members as node 0");
    }
    System.out.printf(
        "BOOTSTRAP: three members Up on every node %.1f s after the processes started%n",
        (System.nanoTime() - startedAt) / 1e9);

    // Uploaded on node 0, deployed through node 1, inferred through each node.
    Http.Response up = http(0).put("/v1/models/m/versions/1", TestModels.linear(W, B));
    assertEquals(201, up.status(), up.body());
    Http.Response deploy =
        http(1).post("/v1/models/m/deployments", "{\"version\":\"1\",\"replicas\":1}");
    assertEquals(202, deploy.status(), deploy.body());
    withLogs(() -> http(2).await("/v1/models/m", Http.readyReplicas("1", 1), WAIT));
    // The gateway-only node is listed with its role and hosts nothing.
    JsonNode members = http(0).get("/v1/cluster/members").json().get("members");
    String gatewayOnly = null;
    for (JsonNode m : members) {
      if (m.get("roles").size() == 1) {
        assertEquals("gateway", m.get("roles").get(0).asText(), m.toString());
        gatewayOnly = m.get("address").asText();
      }
    }
    assertTrue(gatewayOnly != null, "one member has only the gateway role: " + members);
    for (JsonNode r : http(0).get("/v1/models/m").json().get("replicas")) {
      assertTrue(
          !gatewayOnly.equals(r.get("node").asText()), "no replica on the gateway-only node: " + r);
    }
    // Every gateway serves it; at least two of them reach the replica on another node.
    float[] expected = TestModels.linearExpected(W, B, X);
    for (int i : new int[] {2, 0, 1}) {
      Http h = http(i);
      withLogs(() -> h.await("/v2/models/m/ready", r -> r.status() == 200, WAIT));
      Http.Response infer = h.post("/v2/models/m/infer", ROW);
      assertEquals(200, infer.status(), "node " + i + ": " + infer.body());
      JsonNode y = infer.json().get("outputs").get(0).get("data");
      assertEquals(expected.length, y.size(), infer.body());
      for (int j = 0; j < expected.length; j++) {
        assertEquals(expected[j], y.get(j).floatValue(), 1e-5, "node " + i + ": " + infer.body());
      }
    }
  }
}
