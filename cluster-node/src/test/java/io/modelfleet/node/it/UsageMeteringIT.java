package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage metering across a cluster: two in-process nodes sharing a real PostgreSQL (A a worker and
 * gateway, B a gateway only), two keys of two tenants sending known requests, some failing, to both
 * gateways. B flushes only when it stops (its flush interval is an hour), so its usage reaches the
 * table through the graceful stop's flush alone; after a restart of B, more requests. Each time,
 * GET /v1/usage grouped by tenant and model equals exactly what was sent, in JSON and CSV, and
 * stays so (nothing counted twice).
 */
class UsageMeteringIT {
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0f, 0f};
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static FleetNode a;
  static FleetNode b;
  static Instant from;

  /** Expected sums per "tenant/model": requests, failures, rows, input bytes, output bytes. */
  static final Map<String, long[]> sent = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    from = Instant.now().minus(Duration.ofHours(1));
    pg = EmbeddedPostgres.builder().start();
    a = FleetNode.start(TestNodes.config(dir.resolve("a"), common("500ms")));
    b = startB("1h");
  }

  @AfterAll
  static void stop() throws Exception {
    for (FleetNode n : new FleetNode[] {b, a}) {
      if (n != null) {
        n.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  static Map<String, Object> common(String flushInterval) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put("modelfleet.database.url", pg.getJdbcUrl("postgres", "postgres"));
    cfg.put("modelfleet.database.user", "postgres");
    cfg.put("modelfleet.ops.metering.flush-interval", flushInterval);
    cfg.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
    cfg.put("modelfleet.node.shutdown-drain-timeout", "0s");
    return cfg;
  }

  static FleetNode startB(String flushInterval) {
    Map<String, Object> cfg = common(flushInterval);
    cfg.put(
        "modelfleet.cluster.seed-nodes", Cluster.get(a.system()).selfMember().address().toString());
    cfg.put("modelfleet.cluster.roles", "gateway");
    return FleetNode.start(TestNodes.config(dir.resolve("b"), cfg));
  }

  /** A key of {@code tenant} that uploads, deploys and infers; its model is deployed and ready. */
  static String tenantWithModel(String tenant, String model) {
    Http admin = new Http(a.baseUrl());
    Http.Response created =
        admin.post(
            "/v1/keys",
            "{\"name\":\""
                + tenant
                + "\",\"tenant\":\""
                + tenant
                + "\",\"roles\":[\"publisher\",\"operator\"]}");
    assertEquals(201, created.status(), created.body());
    String key = created.json().get("key").asText();
    Http h = new Http(a.baseUrl(), null, key);
    Http.Response up = h.put("/v1/models/" + model + "/versions/1", TestModels.linear(W, B));
    assertEquals(201, up.status(), up.body());
    Http.Response deployed =
        h.post("/v1/models/" + model + "/deployments", "{\"version\":\"1\",\"replicas\":1}");
    assertEquals(202, deployed.status(), deployed.body());
    return key;
  }

  static void awaitReady(FleetNode node, String key, String model) {
    new Http(node.baseUrl(), null, key)
        .await("/v2/models/" + model + "/ready", r -> r.status() == 200, WAIT);
  }

  /** Sends {@code n} requests of {@code rows} rows; failing ones name an input the model lacks. */
  static void send(
      FleetNode node, String key, String tenant, String model, int n, int rows, boolean ok) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows * 3; i++) {
      data.append(i == 0 ? "" : ",").append(i % 5);
    }
    String body =
        "{\"inputs\":[{\"name\":\""
            + (ok ? "x" : "not_an_input")
            + "\",\"datatype\":\"FP32\",\"shape\":["
            + rows
            + ",3],\"data\":["
            + data
            + "]}]}";
    Http h = new Http(node.baseUrl(), null, key);
    for (int i = 0; i < n; i++) {
      Http.Response r = h.post("/v2/models/" + model + "/infer", body);
      assertEquals(ok ? 200 : 400, r.status(), r.body());
    }
    long[] s = sent.computeIfAbsent(tenant + "/" + model, k -> new long[5]);
    s[0] += n;
    s[1] += ok ? 0 : n;
    s[2] += (long) n * rows;
    s[3] += (long) n * rows * 3 * 4;
    s[4] += ok ? (long) n * rows * 2 * 4 : 0;
  }

  static String query(String groupBy) {
    return "/v1/usage?group_by="
        + groupBy
        + "&from="
        + from
        + "&to="
        + Instant.now().plus(Duration.ofHours(1));
  }

  /** The usage table's sums per "tenant/model", as /v1/usage answers them. */
  static Map<String, long[]> usage(FleetNode node) {
    Http.Response r = new Http(node.baseUrl()).get(query("tenant,model"));
    assertEquals(200, r.status(), r.body());
    Map<String, long[]> out = new TreeMap<>();
    for (JsonNode u : r.json().get("usage")) {
      out.put(
          u.get("tenant").asText() + "/" + u.get("model").asText(),
          new long[] {
            u.get("requests").asLong(),
            u.get("failures").asLong(),
            u.get("rows").asLong(),
            u.get("input_bytes").asLong(),
            u.get("output_bytes").asLong()
          });
    }
    return out;
  }

  static String show(Map<String, long[]> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(k).append('=').append(java.util.Arrays.toString(v)).append(' '));
    return b.toString();
  }

  /** Waits until the table holds exactly what was sent, then checks it stays so. */
  static void awaitExact(FleetNode node) throws Exception {
    String want = show(sent);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String got = show(usage(node));
    while (!got.equals(want) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      got = show(usage(node));
    }
    assertEquals(want, got, "usage equals what was sent");
    Thread.sleep(1500); // three of A's flush intervals: nothing is added twice
    assertEquals(want, show(usage(node)), "and stays so");
  }

  @Test
  void totalsEqualWhatWasSentAcrossTwoGatewaysAndARestart() throws Exception {
    new Http(a.baseUrl())
        .await(
            "/v1/cluster/members",
            r -> r.status() == 200 && r.json().get("members").size() == 2,
            WAIT);
    String acme = tenantWithModel("acme", "ma");
    String globex = tenantWithModel("globex", "mg");
    for (FleetNode n : new FleetNode[] {a, b}) {
      awaitReady(n, acme, "ma");
      awaitReady(n, globex, "mg");
    }

    send(a, acme, "acme", "ma", 7, 1, true);
    send(b, acme, "acme", "ma", 5, 1, true);
    send(a, acme, "acme", "ma", 2, 1, false);
    send(b, acme, "acme", "ma", 1, 1, false);
    send(a, globex, "globex", "mg", 4, 2, true);
    send(b, globex, "globex", "mg", 6, 3, true);
    send(b, globex, "globex", "mg", 3, 2, false);

    // B has flushed nothing yet (its interval is an hour): the table holds A's share only.
    Thread.sleep(1500);
    Map<String, long[]> partial = usage(b);
    assertEquals(9, partial.get("acme/ma")[0], show(partial));
    assertEquals(4, partial.get("globex/mg")[0], show(partial));

    // A graceful stop flushes B's share.
    b.close();
    awaitExact(a);

    b = startB("500ms");
    awaitReady(b, acme, "ma");
    awaitReady(b, globex, "mg");
    send(b, acme, "acme", "ma", 3, 4, true);
    send(a, acme, "acme", "ma", 2, 1, false);
    send(b, globex, "globex", "mg", 2, 1, true);
    send(a, globex, "globex", "mg", 1, 1, true);
    awaitExact(b);

    JsonNode json = new Http(b.baseUrl()).get(query("tenant,model")).json();
    for (JsonNode u : json.get("usage")) {
      assertTrue(u.get("compute_seconds").decimalValue().signum() > 0, u.toString());
      assertEquals(
          u.get("compute_seconds").decimalValue(),
          u.get("cpu_seconds").decimalValue(),
          u.toString());
    }
    assertTrue(Instant.parse(json.get("as_of").asText()).isBefore(Instant.now()));

    // CSV has the same numbers.
    HttpRequest csvRequest =
        TestKeys.authorize(
            HttpRequest.newBuilder(URI.create(a.baseUrl() + query("tenant,model")))
                .header("Accept", "text/csv")
                .GET()
                .build());
    HttpResponse<String> csv =
        HttpClient.newHttpClient().send(csvRequest, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, csv.statusCode(), csv.body());
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    String[] lines = csv.body().split("\r\n");
    assertEquals(
        "tenant,model,requests,failures,rows,input_bytes,output_bytes,compute_seconds,cpu_seconds,gpu_seconds",
        lines[0]);
    assertEquals(3, lines.length, csv.body());
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",");
      long[] want = sent.get(f[0] + "/" + f[1]);
      for (int k = 0; k < 5; k++) {
        assertEquals(want[k], Long.parseLong(f[2 + k]), lines[i]);
      }
      assertEquals(json.get("usage").get(i - 1).get("compute_seconds").asText(), f[7], lines[i]);
    }

    // A tenant's key sees its own tenant only, and may not ask for another.
    Http.Response own = new Http(a.baseUrl(), null, acme).get(query("tenant,model"));
    assertEquals(200, own.status(), own.body());
    assertEquals(1, own.json().get("usage").size(), own.body());
    assertEquals("acme", own.json().get("usage").get(0).get("tenant").asText());
    assertEquals(
        403, new Http(a.baseUrl(), null, acme).get(query("tenant") + "&tenant=globex").status());
    System.out.printf(
        "USAGE: sent %s%nUSAGE JSON: %s%nUSAGE CSV:%n%s", show(sent), json, csv.body());
  }
}
