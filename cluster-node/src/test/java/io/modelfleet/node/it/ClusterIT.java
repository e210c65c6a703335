package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.LoadGenerator;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real node processes (separate JVMs on 127.0.0.1) sharing a real PostgreSQL, each with two
 * simulated 16 GiB GPUs. The steps share one cluster and run in order: placement, then kill -9 of
 * the oldest worker (controller and shard coordinators included) under load, then a join with
 * rebalancing under load, then a drain and a SIGTERM under load of the node hosting a
 * single-replica model. Failure-detector and split-brain-resolver timeouts are lowered for the
 * test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0f, 0f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<Integer> remotePorts = new ArrayList<>();
  static String seeds;

  @BeforeAll
  static void startCluster() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    for (int i = 0; i < 4; i++) {
      remotePorts.add(NodeProcess.freePort());
    }
    seeds = address(0) + "," + address(1);
    for (int i = 0; i < 3; i++) {
      nodes.add(start(i));
    }
    for (NodeProcess n : nodes) {
      awaitUp(n);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess n : nodes) {
      if (n != null) {
        n.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  static String address(int i) {
    return "pekko://modelfleet@127.0.0.1:" + remotePorts.get(i);
  }

  static NodeProcess start(int i) {
    return NodeProcess.start(
        dir.resolve("node" + i),
        Map.of(
            "MODELFLEET_REMOTE_PORT", Integer.toString(remotePorts.get(i)),
            "MODELFLEET_SEED_NODES", seeds,
            "MODELFLEET_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
            "MODELFLEET_DB_USER", "postgres",
            "MODELFLEET_DEVICES", "simulated",
            "MODELFLEET_SBR_STABLE_AFTER", "3s",
            "MODELFLEET_HEARTBEAT_PAUSE", "2s",
            "MODELFLEET_DEMO_MODEL", "false",
            // Spread every gateway's requests over all replicas, so that the node killed or drained
            // always has requests in flight (with the default, a gateway keeps most at home).
            "MODELFLEET_PREFER_LOCAL_REPLICAS", "off"));
  }

  static void awaitUp(NodeProcess n) {
    try {
      new Http(n.baseUrl()).await("/v2/health/live", r -> r.status() == 200, WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nnode log:\n" + n.log(), e);
    }
  }

  static Http http(int i) {
    return new Http(nodes.get(i).baseUrl());
  }

  /** READY replicas of m/1 per node address. */
  static Map<String, Integer> readyByNode(Http http) {
    return readyByNode(http, "m");
  }

  /** READY replicas of a model per node address. */
  static Map<String, Integer> readyByNode(Http http, String name) {
    Map<String, Integer> out = new HashMap<>();
    JsonNode model = http.get("/v1/models/" + name).json();
    if (model == null || !model.has("replicas")) {
      return out;
    }
    for (JsonNode r : model.get("replicas")) {
      if ("READY".equals(r.path("state").asText())) {
        out.merge(r.get("node").asText(), 1, Integer::sum);
      }
    }
    return out;
  }

  static Predicate<Http.Response> members(int n) {
    return r -> {
      if (r.status() != 200 || r.json().get("members").size() != n) {
        return false;
      }
      for (JsonNode m : r.json().get("members")) {
        if (!"Up".equals(m.get("status").asText()) || m.get("devices").size() < 3) {
          return false;
        }
      }
      return true;
    };
  }

  @Test
  @Order(1)
  void replicasArePlacedOnSimulatedGpusSpreadAcrossNodes() {
    Http h = http(0);
    h.await("/v1/cluster/members", members(3), WAIT);
    JsonNode members = h.get("/v1/cluster/members").json().get("members");
    for (JsonNode m : members) {
      assertEquals("Up", m.get("status").asText(), m.toString());
    }
    Http.Response up = h.put("/v1/models/m/versions/1", TestModels.linear(W, B));
    assertEquals(201, up.status(), up.body());
    assertEquals(
        202, h.post("/v1/models/m/deployments", "{\"version\":\"1\",\"replicas\":3}").status());
    // Spread: one replica per node (the first placement, or the rebalancing right after it if a
    // node's devices were not known yet when the deployment arrived).
    h.await(
        "/v1/models/m",
        r -> readyByNode(h).size() == 3 && readyByNode(h).values().stream().allMatch(x -> x == 1),
        WAIT);
    for (JsonNode r : h.get("/v1/models/m").json().get("replicas")) {
      // Best fit on two equal GPUs takes the lowest id; the replica opens its session on the
      // device the controller planned (sent with its start), not on one of its own choosing.
      assertEquals(
          "sim-gpu:0", r.get("device").asText(), "placed on the planned simulated GPU: " + r);
    }
    // Every node serves, including those that never saw the upload (artifact fetched from the
    // database).
    for (int i = 0; i < 3; i++) {
      assertEquals(200, http(i).post("/v2/models/m/infer", ROW).status());
    }
    JsonNode m0 = h.get("/v1/cluster/members").json().get("members").get(0);
    assertTrue(m0.get("devices").size() >= 3, "cpu and two simulated GPUs: " + m0);
    // Each replica shows the footprint placement counted for it, and its simulated GPU shows it in
    // use.
    for (JsonNode r : h.get("/v1/cluster/replicas").json().get("replicas")) {
      assertEquals(
          64L << 20,
          r.get("footprint_bytes").asLong(),
          "the minimum footprint for a tiny model: " + r);
    }
    // Nodes publish their devices every few seconds.
    h.await("/v1/cluster/members", r -> usedDeviceMemory(r.json()) == 3 * (64L << 20), WAIT);
  }

  /** Memory in use on every device of every member, as the members endpoint shows it. */
  static long usedDeviceMemory(JsonNode members) {
    long used = 0;
    for (JsonNode m : members.get("members")) {
      for (JsonNode d : m.get("devices")) {
        used += d.get("memory_total_bytes").asLong() - d.get("memory_free_bytes").asLong();
      }
    }
    return used;
  }

  /**
   * The hardest node to lose: node 0 is the oldest member, so it runs the deployment controller and
   * the shard coordinators as well as a replica. Everything moves to the survivors at once.
   */
  @Test
  @Order(2)
  void killingTheOldestWorkerUnderLoadLosesNoRequestAndRestoresTheReplicas() throws Exception {
    Http h = http(1);
    String victim = address(0);
    assertTrue(
        nodes.get(0).log().contains("Deployment controller started on " + victim),
        "the oldest node runs the controller:\n" + nodes.get(0).log());
    long killedAt;
    long downedAt;
    try (LoadGenerator load =
        new LoadGenerator(
            List.of(
                nodes.get(1).baseUrl() + "/v2/models/m/infer",
                nodes.get(2).baseUrl() + "/v2/models/m/infer"),
            ROW,
            4,
            Duration.ofSeconds(30))) {
      Thread.sleep(1500);
      killedAt = System.nanoTime();
      nodes.get(0).kill();
      h.await(
          "/v1/cluster/members",
          r -> {
            for (JsonNode m : r.json().get("members")) {
              if (m.get("address").asText().equals(victim)) {
                return false;
              }
            }
            return true;
          },
          WAIT);
      downedAt = System.nanoTime();
      h.await(
          "/v1/models/m", r -> readyByNode(h).values().stream().mapToInt(x -> x).sum() == 3, WAIT);
      long restoredAt = System.nanoTime();
      Thread.sleep(1000);
      load.stop();
      System.out.printf(
          "FAILOVER: downed %.1f s after kill -9, replicas restored %.1f s after downing; %s%n",
          (downedAt - killedAt) / 1e9, (restoredAt - downedAt) / 1e9, load.summary());
      assertEquals(
          0, load.noAnswer(), "every request got an answer within its deadline: " + load.summary());
      assertTrue(
          load.count(200) >= 0.99 * load.total(), "at least 99% succeeded: " + load.summary());
    }
    Map<String, Integer> spread = readyByNode(h);
    assertEquals(2, spread.size(), spread.toString());
    assertTrue(!spread.containsKey(victim));
    JsonNode model = h.get("/v1/models/m").json();
    assertEquals(1, model.get("versions").size());
    List<String> events = new ArrayList<>();
    h.get("/v1/models/m/history")
        .json()
        .get("events")
        .forEach(e -> events.add(e.get("event").asText()));
    assertEquals("VersionRegistered", events.get(0));
    assertEquals("DeploymentSet", events.get(1));
    assertTrue(
        events.stream().filter("ReplicaPlaced"::equals).count() >= 4,
        "the re-placement is in the history: " + events);
    assertTrue(
        nodes.get(1).log().contains("Deployment controller started on " + address(1))
            || nodes.get(2).log().contains("Deployment controller started on " + address(2)),
        "the controller runs on a survivor");
  }

  /** Indexes of the nodes still running. */
  static final List<Integer> alive = new ArrayList<>(List.of(0, 1, 2));

  static int indexOf(String address) {
    for (int i = 0; i < remotePorts.size(); i++) {
      if (address(i).equals(address)) {
        return i;
      }
    }
    throw new AssertionError("no test node has address " + address);
  }

  /** A running node other than the one given, to send requests through. */
  static int gatewayOtherThan(int excluded) {
    return alive.stream().filter(i -> i != excluded).findFirst().orElseThrow();
  }

  /** The node hosting the single READY replica of s. */
  static int hostOfS(Http h) {
    Map<String, Integer> s = readyByNode(h, "s");
    assertEquals(1, s.size(), "one READY replica of s: " + s);
    return indexOf(s.keySet().iterator().next());
  }

  static List<String> inferUrls(int gateway) {
    String base = nodes.get(gateway).baseUrl();
    return List.of(base + "/v2/models/s/infer", base + "/v2/models/m/infer");
  }

  @Test
  @Order(3)
  void aJoiningNodeGetsAReplicaWithoutFailedRequests() throws Exception {
    alive.remove(Integer.valueOf(0));
    Http h = http(1);
    try (LoadGenerator load =
        new LoadGenerator(
            List.of(
                nodes.get(1).baseUrl() + "/v2/models/m/infer",
                nodes.get(2).baseUrl() + "/v2/models/m/infer"),
            ROW,
            4,
            Duration.ofSeconds(30))) {
      NodeProcess joined = start(3);
      nodes.add(joined);
      alive.add(3);
      awaitUp(joined);
      h.await(
          "/v1/models/m",
          r ->
              readyByNode(h).getOrDefault(address(3), 0) >= 1
                  && readyByNode(h).values().stream().mapToInt(x -> x).sum() == 3,
          WAIT);
      Thread.sleep(1000);
      load.stop();
      System.out.println("JOIN: " + load.summary());
      assertEquals(0, load.failed(), "zero failed requests while rebalancing: " + load.summary());
    }
    assertEquals(3, readyByNode(h).size(), "spread over three nodes again: " + readyByNode(h));
    // The replica moved by starting a new incarnation there ("m/1/<index>/<generation>") before the
    // old copy stopped, not by restarting the same one.
    for (JsonNode r : h.get("/v1/models/m").json().get("replicas")) {
      if (r.get("node").asText().equals(address(3))) {
        assertEquals(
            4,
            r.get("id").asText().split("/").length,
            "a new incarnation on the joined node: " + r);
      }
    }
  }

  /**
   * The model s has a single replica, so while it moves nothing else can serve it: zero failed
   * requests is only possible because the new copy is READY before the old one stops.
   */
  @Test
  @Order(4)
  void drainingAMemberMovesItsReplicasAwayAndItLeavesWithoutFailedRequests() throws Exception {
    Http h0 = http(alive.get(0));
    Http.Response up = h0.put("/v1/models/s/versions/1", TestModels.linear(W, B));
    assertEquals(201, up.status(), up.body());
    assertEquals(
        202, h0.post("/v1/models/s/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    h0.await("/v1/models/s", r -> readyByNode(h0, "s").size() == 1, WAIT);
    int victim = hostOfS(h0);
    String drained = address(victim);
    int gw = gatewayOtherThan(victim);
    Http h = http(gw);
    // The gateway under load learns of s's replica by gossip; start once it can route there.
    h.await("/v2/models/s/ready", r -> r.status() == 200, WAIT);
    try (LoadGenerator load = new LoadGenerator(inferUrls(gw), ROW, 4, Duration.ofSeconds(30))) {
      Thread.sleep(500);
      Http.Response r =
          h.post(
              "/v1/cluster/members/"
                  + URLEncoder.encode(drained, StandardCharsets.UTF_8)
                  + "/drain",
              "");
      assertEquals(202, r.status(), r.body());
      h.await(
          "/v1/cluster/members",
          rsp -> {
            Set<String> addresses = new HashSet<>();
            rsp.json().get("members").forEach(m -> addresses.add(m.get("address").asText()));
            return !addresses.contains(drained);
          },
          WAIT);
      alive.remove(Integer.valueOf(victim));
      h.await(
          "/v1/models/m",
          rsp ->
              readyByNode(h).values().stream().mapToInt(x -> x).sum() == 3
                  && readyByNode(h, "s").size() == 1,
          WAIT);
      Thread.sleep(1000);
      load.stop();
      System.out.println("DRAIN: " + load.summary());
      assertEquals(0, load.failed(), "zero failed requests while draining: " + load.summary());
      assertTrue(load.count(200) > 0, load.summary());
    }
    assertTrue(!readyByNode(h).containsKey(drained));
    assertTrue(!readyByNode(h, "s").containsKey(drained));
    assertEquals(404, h.post("/v1/cluster/members/127.0.0.1:1/drain", "").status());
  }

  @Test
  @Order(5)
  void sigtermOnAWorkerDrainsItWithoutFailedRequests() throws Exception {
    Http any = http(alive.get(0));
    int victim = hostOfS(any);
    String leaving = address(victim);
    int gw = gatewayOtherThan(victim);
    Http h = http(gw);
    try (LoadGenerator load = new LoadGenerator(inferUrls(gw), ROW, 4, Duration.ofSeconds(30))) {
      Thread.sleep(500);
      int exit = nodes.get(victim).terminate(Duration.ofSeconds(60));
      assertTrue(exit == 0 || exit == 143, "exit code after SIGTERM: " + exit);
      alive.remove(Integer.valueOf(victim));
      h.await(
          "/v1/models/m",
          rsp ->
              readyByNode(h).values().stream().mapToInt(x -> x).sum() == 3
                  && !readyByNode(h).containsKey(leaving)
                  && readyByNode(h, "s").size() == 1,
          WAIT);
      Thread.sleep(1000);
      load.stop();
      System.out.println("SIGTERM: " + load.summary());
      assertEquals(
          0, load.failed(), "zero failed requests while a node shuts down: " + load.summary());
      assertTrue(load.count(200) > 0, load.summary());
    }
    assertTrue(
        nodes.get(victim).log().contains("draining this node's replicas"),
        "the node drained itself before stopping");
  }
}
