package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alias changed through one node's gateway reaches the other node's gateway: at once for a
 * gateway that never routed the alias (it reads the registry), within the alias book's refresh for
 * one that did.
 */
class AliasClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {0f, 0f}};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0,0,0]}]}";

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<Integer> remotePorts = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    for (int i = 0; i < 2; i++) {
      remotePorts.add(NodeProcess.freePort());
    }
    for (int i = 0; i < 2; i++) {
      nodes.add(
          NodeProcess.start(
              dir.resolve("node" + i),
              Map.of(
                  "MODELFLEET_REMOTE_PORT",
                  Integer.toString(remotePorts.get(i)),
                  "MODELFLEET_SEED_NODES",
                  "pekko://modelfleet@127.0.0.1:" + remotePorts.get(0),
                  "MODELFLEET_DB_URL",
                  pg.getJdbcUrl("postgres", "postgres"),
                  "MODELFLEET_DB_USER",
                  "postgres",
                  "MODELFLEET_DEMO_MODEL",
                  "false")));
    }
    for (NodeProcess n : nodes) {
      try {
        new Http(n.baseUrl()).await("/v2/health/live", r -> r.status() == 200, WAIT);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + n.log(), e);
      }
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

  private static String served(Http h, String path) {
    Http.Response r = h.post(path, ROW);
    assertEquals(200, r.status(), path + ": " + r.body());
    return r.json().get("model_version").asText();
  }

  private static void setStable(Http h, String version) {
    Http.Response r =
        h.send(
            HttpRequest.newBuilder(URI.create(h.base() + "/v1/models/al/aliases/stable"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\":\"" + version + "\"}")));
    assertEquals(200, r.status(), r.body());
  }

  /** Polls until {@code path} on {@code h} is served by {@code version}; returns the wait. */
  private static long awaitServedBy(Http h, String path, String version) throws Exception {
    long start = System.nanoTime();
    String last = null;
    while (System.nanoTime() - start < Duration.ofSeconds(15).toNanos()) {
      last = served(h, path);
      if (last.equals(version)) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " still served by " + last + ", not " + version);
  }

  @Test
  void anAliasSetOnOneNodeRoutesOnTheOther() throws Exception {
    Http h0 = new Http(nodes.get(0).baseUrl());
    Http h1 = new Http(nodes.get(1).baseUrl());
    for (String v : List.of("1", "2")) {
      Http.Response up =
          h0.put(
              "/v1/models/al/versions/" + v,
              TestModels.linear(W, new float[] {Float.parseFloat(v), 0}));
      assertEquals(201, up.status(), up.body());
      Http.Response d =
          h0.post("/v1/models/al/deployments", "{\"version\":\"" + v + "\",\"replicas\":1}");
      assertEquals(202, d.status(), d.body());
    }
    for (Http h : List.of(h0, h1)) {
      h.await("/v1/models/al", Http.readyReplicas("1", 1).and(Http.readyReplicas("2", 1)), WAIT);
    }
    // Node 1 routes the model before any alias exists: it reads (and keeps) "no aliases".
    assertEquals("2", served(h1, "/v2/models/al/infer"));

    setStable(h0, "1");
    // A name node 1 does not know as a version: it asks the registry and learns the alias.
    assertEquals("1", served(h1, "/v2/models/al/versions/stable/infer"));
    assertEquals("1", served(h1, "/v2/models/al/infer"));

    setStable(h0, "2");
    long waited = awaitServedBy(h1, "/v2/models/al/infer", "2");
    System.out.println("node 1 followed stable -> 2 after " + waited + " ms");
    assertEquals("2", served(h1, "/v2/models/al/versions/stable/infer"));

    assertEquals(200, h0.delete("/v1/models/al/aliases/stable").status());
    setStable(h0, "1");
    awaitServedBy(h1, "/v2/models/al/infer", "1");
  }
}
