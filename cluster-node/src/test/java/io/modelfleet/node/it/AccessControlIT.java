package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control over real HTTP against a real node, security on as shipped: what an anonymous
 * caller gets, keys made and audited through {@code /v1/keys}, every role's allowed and refused
 * actions on the routes that matter, tenants that never see each other's models, a rate limit's
 * 429, a revocation taking effect on the gateway that made it and on two other gateways of the
 * cluster, and the first start's administrator key file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlIT {
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
  private static final Duration READY = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static FleetNode node;
  static Http admin;
  static Http anonymous;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(
            TestNodes.config(
                dir,
                Map.of(
                    "pekko.cluster.distributed-data.notify-subscribers-interval", "100ms",
                    "modelfleet.node.shutdown-drain-timeout", "0s")));
    admin = new Http(node.baseUrl());
    anonymous = new Http(node.baseUrl(), null, null);
    assertEquals(201, admin.put("/v1/models/m/versions/1", TestModels.linear(W, B)).status());
    assertEquals(
        202,
        admin
            .post(
                "/v1/models/m/deployments",
                "{\"version\":\"1\",\"replicas\":1,\"device\":\"auto\"}")
            .status());
    admin.await("/v2/models/m/ready", r -> r.status() == 200, READY);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Creates a key through the API and answers a client that presents it. */
  private static Http key(String name, String tenant, String roles, String extra) {
    Http.Response r =
        admin.post(
            "/v1/keys",
            "{\"name\":\""
                + name
                + "\",\"tenant\":\""
                + tenant
                + "\",\"roles\":["
                + roles
                + "]"
                + extra
                + "}");
    assertEquals(201, r.status(), r.body());
    return new Http(node.baseUrl(), null, r.json().get("key").asText());
  }

  @Test
  @Order(1)
  void anonymousCallersGetA401ChallengeAndOnlyTheProbesAreOpen() throws Exception {
    Http.Response r = anonymous.get("/v1/models");
    assertEquals(401, r.status(), r.body());
    assertTrue(r.error().contains("Authorization: Bearer"), r.body());
    var raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/models/m")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals("Bearer", raw.headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals(200, anonymous.get("/v2/health/live").status());
    assertEquals(200, anonymous.get("/v2/health/ready").status());
    assertEquals(401, anonymous.post("/v2/models/m/infer", ROW).status());
    assertEquals(401, anonymous.put("/v1/models/x/versions/1", new byte[] {1}).status());
    Http wrong = new Http(node.baseUrl(), null, "mfk_" + "A".repeat(43));
    assertEquals(401, wrong.get("/v2/models/m").status());
  }

  @Test
  @Order(2)
  void keysAreListedWithoutSecretsAndEveryChangeIsAudited() {
    Http.Response created = admin.post("/v1/keys", "{\"name\":\"audited\",\"roles\":[\"viewer\"]}");
    assertEquals(201, created.status(), created.body());
    String secret = created.json().get("key").asText();
    Http viewer = new Http(node.baseUrl(), null, secret);
    assertEquals(200, viewer.get("/v2/models/m").status());
    Http.Response list = admin.get("/v1/keys");
    assertEquals(200, list.status());
    // Neither the secret nor anything but its first characters, nor its hash, is ever shown again.
    assertFalse(list.body().contains(secret), list.body());
    assertFalse(list.body().contains(secret.substring(12)), list.body());
    assertFalse(list.body().contains("hash"), list.body());
    for (JsonNode k : list.json().get("keys")) {
      assertFalse(k.has("key"), k.toString());
    }
    JsonNode listed = admin.get("/v1/keys/" + created.json().get("id").asText()).json();
    assertEquals(
        secret.substring(0, listed.get("prefix").asText().length()), listed.get("prefix").asText());
    JsonNode events = admin.get("/v1/keys/history").json().get("events");
    assertFalse(events.toString().contains(secret.substring(12)), "the history never holds it");
    assertTrue(events.size() >= 1, events.toString());
    String principal = events.get(events.size() - 1).get("principal").asText();
    assertTrue(principal.matches("admin \\(k-[0-9a-f]{16}\\)"), principal);
    // Changes to the registry name the key that made them, not "anonymous".
    JsonNode history = admin.get("/v1/models/m/history").json().get("events");
    assertTrue(
        history.get(0).get("principal").asText().startsWith("admin (k-"), history.toString());
  }

  @Test
  @Order(3)
  void everyRoleMayDoWhatItsRoleSaysAndNothingElse() {
    Map<String, Http> keys =
        Map.of(
            "viewer", key("v", "default", "\"viewer\"", ""),
            "inferrer", key("i", "default", "\"inferrer\"", ""),
            "publisher", key("p", "default", "\"publisher\"", ""),
            "operator", key("o", "default", "\"operator\"", ""),
            "admin", admin);
    String deploy = "{\"version\":\"1\",\"replicas\":1,\"device\":\"auto\"}";
    String self = URLEncoder.encode(memberAddress(), StandardCharsets.UTF_8);
    // role, action, allowed?
    List<Object[]> table = new ArrayList<>();
    for (String role : List.of("viewer", "inferrer", "publisher", "operator", "admin")) {
      table.add(new Object[] {role, "GET /v2/models/m", true});
      table.add(
          new Object[] {
            role, "POST /v2/models/m/infer", Set.of("inferrer", "operator", "admin").contains(role)
          });
      table.add(
          new Object[] {
            role, "PUT /v1/models/m/versions/" + role, Set.of("publisher", "admin").contains(role)
          });
      table.add(
          new Object[] {
            role, "POST /v1/models/m/deployments", Set.of("operator", "admin").contains(role)
          });
      table.add(
          new Object[] {
            role, "GET /v1/cluster/members", Set.of("viewer", "operator", "admin").contains(role)
          });
      table.add(
          new Object[] {role, "POST /v1/cluster/members/" + self + "/drain", role.equals("admin")});
      table.add(new Object[] {role, "GET /v1/keys", role.equals("admin")});
    }
    List<String> wrong = new ArrayList<>();
    for (Object[] row : table) {
      Http h = keys.get((String) row[0]);
      String[] action = ((String) row[1]).split(" ", 2);
      Http.Response r =
          switch (action[0]) {
            case "GET" -> h.get(action[1]);
            case "PUT" -> h.put(action[1], TestModels.linear(W, B));
            default -> h.post(action[1], action[1].endsWith("infer") ? ROW : deploy);
          };
      boolean allowed = (boolean) row[2];
      boolean refused = r.status() == 403;
      if (allowed == refused || r.status() == 401) {
        wrong.add(row[0] + " " + row[1] + " -> " + r.status() + " " + r.body());
      }
      if (refused) {
        assertTrue(r.error().contains("permission"), r.body());
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  @Order(4)
  void aTenantNeverSeesAnotherTenantsModels() {
    Http publisherA = key("pub-a", "team-a", "\"publisher\",\"inferrer\"", "");
    Http inferrerB = key("inf-b", "team-b", "\"inferrer\",\"publisher\"", "");
    assertEquals(
        201, publisherA.put("/v1/models/a-model/versions/1", TestModels.linear(W, B)).status());
    for (String path :
        List.of(
            "/v2/models/a-model",
            "/v2/models/a-model/ready",
            "/v2/models/a-model/stats",
            "/v2/models/a-model/versions/1",
            "/v1/models/a-model",
            "/v1/models/a-model/history")) {
      Http.Response r = inferrerB.get(path);
      assertEquals(404, r.status(), path + " " + r.body());
      assertEquals("model 'a-model' is not registered", r.error(), path);
    }
    assertEquals(404, inferrerB.post("/v2/models/a-model/infer", ROW).status());
    assertEquals(
        404, inferrerB.put("/v1/models/a-model/versions/2", TestModels.linear(W, B)).status());
    assertFalse(inferrerB.get("/v1/models").body().contains("a-model"));
    assertFalse(inferrerB.post("/v2/repository/index", "{}").body().contains("a-model"));
    assertFalse(inferrerB.get("/v1/models").body().contains("\"m\""), "nor the default tenant's");
    assertEquals(200, publisherA.get("/v2/models/a-model").status());
    assertTrue(publisherA.get("/v1/models").body().contains("a-model"));
    // The default tenant's administrator is the cluster's and sees every tenant.
    assertEquals(200, admin.get("/v2/models/a-model").status());
  }

  @Test
  @Order(5)
  void pastItsRateAKeyGets429WithRetryAfter() throws Exception {
    Http.Response created =
        admin.post(
            "/v1/keys",
            "{\"name\":\"slow\",\"roles\":[\"viewer\"],"
                + "\"limits\":{\"requests_per_second\":0.2,\"burst\":1}}");
    assertEquals(201, created.status(), created.body());
    String limitedKey = created.json().get("key").asText();
    Http limited = new Http(node.baseUrl(), null, limitedKey);
    assertEquals(200, limited.get("/v2/models/m").status());
    var r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/models/m"))
                    .header("Authorization", "Bearer " + limitedKey)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(429, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("{\"error\":"), r.body());
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElse("0"));
    assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
  }

  @Test
  @Order(5)
  void pastItsDailyUploadQuotaAKeyGets429UntilMidnightUtc() throws Exception {
    byte[] model = TestModels.linear(W, B);
    Http.Response created =
        admin.post(
            "/v1/keys",
            "{\"name\":\"quota\",\"tenant\":\"team-q\",\"roles\":[\"publisher\",\"operator\"],"
                + "\"limits\":{\"upload_bytes_per_day\":"
                + (model.length + model.length / 2)
                + "}}");
    assertEquals(201, created.status(), created.body());
    String quotaKey = created.json().get("key").asText();
    Http quota = new Http(node.baseUrl(), null, quotaKey);
    assertEquals(201, quota.put("/v1/models/q-model/versions/1", model).status());
    var r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/models/q-model/versions/2"))
                    .header("Authorization", "Bearer " + quotaKey)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(model))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(429, r.statusCode(), r.body());
    assertTrue(r.body().contains("daily upload quota"), r.body());
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElse("0"));
    long toMidnight = 86_400 - (System.currentTimeMillis() / 1000) % 86_400;
    assertTrue(Math.abs(retryAfter - toMidnight) <= 5, retryAfter + " vs " + toMidnight);
    JsonNode versions = quota.get("/v1/models/q-model").json().get("versions");
    assertEquals(1, versions.size(), "nothing stored: " + versions);
    // A Triton repository load that brings a file counts against the same quota.
    String file = java.util.Base64.getEncoder().encodeToString(model);
    Http.Response load =
        quota.post(
            "/v2/repository/models/q-model/load",
            "{\"parameters\":{\"file:3/model.onnx\":\"" + file + "\"}}");
    assertEquals(429, load.status(), load.body());
    assertTrue(load.error().contains("daily upload quota"), load.body());
    // Another key of another tenant is not charged for it.
    Http other = key("quota-free", "team-r", "\"publisher\"", "");
    assertEquals(201, other.put("/v1/models/r-model/versions/1", model).status());
  }

  @Test
  @Order(5)
  void aClusterViewerSeesTheReplicasOfTheModelsItsGrantsCover() {
    Http narrow = key("narrow-viewer", "default", "\"viewer\"", ",\"grants\":[\"zzz*\"]");
    Http wide = key("wide-viewer", "default", "\"viewer\"", "");
    Http.Response all = wide.get("/v1/cluster/replicas");
    assertEquals(200, all.status(), all.body());
    assertTrue(all.body().contains("\"model\":\"m\""), all.body());
    Http.Response none = narrow.get("/v1/cluster/replicas");
    assertEquals(200, none.status(), none.body());
    assertEquals(0, none.json().get("replicas").size(), none.body());
  }

  @Test
  @Order(6)
  void aRevokedKeyIsRefusedWithinSeconds() {
    Http.Response created =
        admin.post("/v1/keys", "{\"name\":\"short-lived\",\"roles\":[\"viewer\"]}");
    String id = created.json().get("id").asText();
    Http h = new Http(node.baseUrl(), null, created.json().get("key").asText());
    assertEquals(200, h.get("/v2/models/m").status());
    assertEquals(200, admin.delete("/v1/keys/" + id).status());
    long start = System.nanoTime();
    h.await("/v2/models/m", r -> r.status() == 401, Duration.ofSeconds(10));
    System.out.printf(
        "REVOCATION: refused %.2f s after the revoke was acknowledged%n",
        (System.nanoTime() - start) / 1e9);
  }

  @Test
  @Order(7)
  void theFirstStartWritesTheAdministratorKeyToAnOwnerOnlyFile(@TempDir Path fresh)
      throws Exception {
    try (NodeProcess p = NodeProcess.start(fresh, Map.of("MODELFLEET_BOOTSTRAP_ADMIN_KEY", ""))) {
      Path file = fresh.resolve("admin.key");
      new Http(p.baseUrl(), null, null).await("/v2/health/ready", r -> r.status() == 200, READY);
      assertTrue(Files.exists(file), p.log());
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(file));
      String secret = Files.readString(file).strip();
      assertTrue(p.log().contains(file.toString()), "the log says where the key is");
      assertFalse(p.log().contains(secret), "and never the key");
      Http withFileKey = new Http(p.baseUrl(), null, secret);
      withFileKey.await("/v1/models", r -> r.status() == 200, Duration.ofSeconds(20));
      assertEquals(401, new Http(p.baseUrl(), null, null).get("/v1/models").status());
    }
  }

  @Test
  @Order(8)
  void aRevocationReachesEveryGatewayOfTheClusterWithinSeconds(
      @TempDir Path dirB, @TempDir Path dirC) {
    List<FleetNode> gateways = new ArrayList<>();
    try {
      for (Path d : List.of(dirB, dirC)) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(
            "modelfleet.cluster.seed-nodes",
            Cluster.get(node.system()).selfMember().address().toString());
        cfg.put("modelfleet.cluster.roles", "gateway");
        cfg.put(
            "modelfleet.database.url",
            "jdbc:h2:file:"
                + dir.resolve("registry").toAbsolutePath()
                + ";DATABASE_TO_UPPER=false");
        cfg.put("modelfleet.database.user", "sa");
        cfg.put("modelfleet.database.create-schema", false);
        cfg.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
        cfg.put("modelfleet.node.shutdown-drain-timeout", "0s");
        gateways.add(FleetNode.start(TestNodes.config(d, cfg)));
      }
      Http.Response created =
          admin.post("/v1/keys", "{\"name\":\"everywhere\",\"roles\":[\"viewer\"]}");
      assertEquals(201, created.status(), created.body());
      String secret = created.json().get("key").asText();
      List<Http> clients = new ArrayList<>();
      for (FleetNode g : gateways) {
        Http h = new Http(g.baseUrl(), null, secret);
        h.await("/v2/models/m", r -> r.status() == 200, Duration.ofSeconds(30));
        clients.add(h);
      }
      assertEquals(200, admin.delete("/v1/keys/" + created.json().get("id").asText()).status());
      long revoked = System.nanoTime();
      for (Http h : clients) {
        h.await("/v2/models/m", r -> r.status() == 401, Duration.ofSeconds(10));
        System.out.printf(
            "REVOCATION: %s refuses the key %.2f s after the revoke was acknowledged on another node%n",
            h.base(), (System.nanoTime() - revoked) / 1e9);
      }
    } finally {
      gateways.forEach(FleetNode::close);
    }
  }

  private static String memberAddress() {
    return admin.get("/v1/cluster/members").json().get("members").get(0).get("address").asText();
  }
}
