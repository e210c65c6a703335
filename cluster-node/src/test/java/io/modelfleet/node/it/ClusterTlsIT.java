package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.KeyStores;
import io.modelfleet.node.testing.NodeProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster remoting over mutually authenticated TLS between real node processes, set up the way the
 * README tells an operator: each node has its own key store and a trust store holding the
 * certificates of the cluster's nodes. Two such nodes form a cluster; a third node whose
 * certificate the cluster does not trust (it trusts them, they do not trust it) never joins, while
 * the two keep serving.
 */
class ClusterTlsIT {
  private static final String PASSWORD = "cluster-store-pass";
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** How long the stranger keeps trying to join (Artery retries the handshake meanwhile). */
  private static final Duration STRANGER_TRIES = Duration.ofSeconds(15);

  @TempDir Path dir;

  @Test
  void onlyNodesTheClusterTrustsJoinIt() throws Exception {
    Path storeA = KeyStores.create(dir.resolve("a.p12"), PASSWORD, "node-a");
    Path storeB = KeyStores.create(dir.resolve("b.p12"), PASSWORD, "node-b");
    Path storeC = KeyStores.create(dir.resolve("c.p12"), PASSWORD, "stranger");
    Path clusterTrust = KeyStores.trustStore(dir.resolve("trust.p12"), PASSWORD, storeA, storeB);
    Path strangerTrust =
        KeyStores.trustStore(dir.resolve("c-trust.p12"), PASSWORD, storeA, storeB, storeC);
    int portA = NodeProcess.freePort();
    int portB = NodeProcess.freePort();
    int portC = NodeProcess.freePort();
    String seeds = "pekko://modelfleet@127.0.0.1:" + portA;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        NodeProcess a = start(pg, seeds, portA, storeA, clusterTrust, "a");
        NodeProcess b = start(pg, seeds, portB, storeB, clusterTrust, "b")) {
      Http http = new Http(a.baseUrl());
      try {
        http.await("/v1/cluster/members", r -> upMembers(r) == 2, WAIT);
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nnode a:\n" + a.log() + "\nnode b:\n" + b.log());
      }
      assertTrue(a.awaitLog("Artery tls-tcp", Duration.ofSeconds(10)), a.log());

      try (NodeProcess c = start(pg, seeds, portC, storeC, strangerTrust, "c")) {
        long until = System.nanoTime() + STRANGER_TRIES.toNanos();
        while (System.nanoTime() < until) {
          Http.Response members = http.get("/v1/cluster/members");
          assertEquals(200, members.status(), members.body());
          assertEquals(
              2,
              members.json().get("members").size(),
              "an untrusted node joined: " + members.body() + "\nits log:\n" + c.log());
          Thread.sleep(500);
        }
        assertFalse(c.log().contains("Welcome from"), "the stranger was welcomed:\n" + c.log());
      }
      assertEquals(2, upMembers(http.get("/v1/cluster/members")));
      assertEquals(200, new Http(b.baseUrl()).get("/v2/health/ready").status());
    }
  }

  private static int upMembers(Http.Response r) {
    if (r.status() != 200 || r.json() == null) {
      return -1;
    }
    int up = 0;
    for (JsonNode m : r.json().get("members")) {
      if (m.get("status").asText().equals("Up") && m.get("reachable").asBoolean()) {
        up++;
      }
    }
    return up;
  }

  private NodeProcess start(
      EmbeddedPostgres pg, String seeds, int port, Path store, Path trust, String name) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELFLEET_REMOTE_PORT", Integer.toString(port));
    env.put("MODELFLEET_SEED_NODES", seeds);
    env.put("MODELFLEET_DB_URL", pg.getJdbcUrl("postgres", "postgres"));
    env.put("MODELFLEET_DB_USER", "postgres");
    env.put("MODELFLEET_DEVICES", "simulated");
    env.put("MODELFLEET_DEMO_MODEL", "false");
    env.put("MODELFLEET_CLUSTER_TLS_KEY_STORE", store.toString());
    env.put("MODELFLEET_CLUSTER_TLS_KEY_STORE_PASSWORD", PASSWORD);
    env.put("MODELFLEET_CLUSTER_TLS_TRUST_STORE", trust.toString());
    env.put("MODELFLEET_CLUSTER_TLS_TRUST_STORE_PASSWORD", PASSWORD);
    return NodeProcess.start(dir.resolve(name), env);
  }
}
