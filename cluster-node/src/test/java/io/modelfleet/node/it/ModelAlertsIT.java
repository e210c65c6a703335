package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Alerts;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.node.testing.WebhookReceiver;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-model alert rules on one real node with short windows: each is provoked (a model with a 1
 * µs objective, requests of the wrong shape, a queue of two, outputs shifted by three standard
 * deviations), seen firing in {@code GET /v1/alerts}, in the webhook receiver (Alertmanager's JSON)
 * and in the model's history, and seen resolving when the cause stops.
 */
class ModelAlertsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  private static final float[] B = {0f, 0f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
  private static final String WRONG =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}";

  @TempDir static Path dataDir;
  static WebhookReceiver hook;
  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    hook = new WebhookReceiver();
    node =
        FleetNode.start(
            TestNodes.config(
                dataDir,
                Map.ofEntries(
                    Map.entry("modelfleet.ops.window", "3s"),
                    Map.entry("modelfleet.ops.window-slices", 3),
                    Map.entry("modelfleet.ops.alerts.interval", "250ms"),
                    Map.entry("modelfleet.ops.alerts.external-url", "http://fleet.test:8000"),
                    Map.entry("modelfleet.ops.alerts.webhooks", List.of(hook.url())),
                    Map.entry("modelfleet.ops.alerts.latency.min-requests", 3),
                    Map.entry("modelfleet.ops.alerts.latency.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.models.slow.latency-objective", "1us"),
                    Map.entry("modelfleet.ops.alerts.errors.min-requests", 3),
                    Map.entry("modelfleet.ops.alerts.errors.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.errors.ratio", 0.2),
                    Map.entry("modelfleet.ops.alerts.queue.ratio", 0.5),
                    Map.entry("modelfleet.ops.alerts.queue.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.drift.for", "0s"),
                    Map.entry("modelfleet.ops.alerts.drift.models", List.of("drifty")),
                    Map.entry("modelfleet.ops.alerts.drift.reference-size", 2000),
                    Map.entry("modelfleet.ops.alerts.drift.min-window-values", 1000),
                    Map.entry("modelfleet.ops.alerts.drift.window", "3s"),
                    Map.entry("modelfleet.ops.alerts.drift.window-slices", 3),
                    Map.entry("modelfleet.ops.alerts.drift.max-samples-per-second", 1000),
                    Map.entry("modelfleet.ops.alerts.drift.max-values-per-output", 100))));
    http = new Http(node.baseUrl());
    upload("slow", TestModels.linear(W, B));
    upload("fail", TestModels.linear(W, B));
    upload("queued", TestModels.linear(W, B));
    upload("drifty", TestModels.identity(DataType.FP32));
    deploy("slow", "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}");
    deploy("fail", "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}");
    deploy(
        "queued",
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":2,"
            + "\"dynamic_batching\":{\"max_queue_size\":2}}");
    deploy("drifty", "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\"}");
    for (String m : List.of("slow", "fail", "queued", "drifty")) {
      http.await("/v1/models/" + m, readyReplicas("1", 1), Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (hook != null) {
      hook.close();
    }
  }

  static void upload(String model, byte[] onnx) {
    Http.Response r = http.put("/v1/models/" + model + "/versions/1", onnx);
    assertEquals(201, r.status(), r.body());
  }

  static void deploy(String model, String body) {
    Http.Response r = http.post("/v1/models/" + model + "/deployments", body);
    assertEquals(202, r.status(), r.body());
  }

  static void infer(String model, String body, int status, int times) {
    for (int i = 0; i < times; i++) {
      Http.Response r = http.post("/v2/models/" + model + "/infer", body);
      assertEquals(status, r.status(), r.body());
    }
  }

  /** A new key of {@code tenant} with {@code role}. */
  static Http key(String tenant, String role) {
    Http.Response r =
        http.post(
            "/v1/keys",
            "{\"name\":\"alerts-"
                + tenant
                + "\",\"tenant\":\""
                + tenant
                + "\",\"roles\":[\""
                + role
                + "\"]}");
    assertEquals(201, r.status(), r.body());
    return new Http(node.baseUrl(), null, r.json().get("key").asText());
  }

  static List<JsonNode> history(String model, String status) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : http.get("/v1/models/" + model + "/history").json().get("events")) {
      if ("AlertChanged".equals(e.path("event").asText())
          && status.equals(e.path("details").path("status").asText())) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void aSlowModelFiresNotifiesIsRecordedAndResolves() {
    infer("slow", ROW, 200, 5);
    JsonNode a = Alerts.awaitFiring(http, "ModelFleetModelLatencyHigh", "model", "slow", WAIT);
    assertEquals("warning", a.get("severity").asText());
    assertEquals("1", a.get("labels").get("version").asText());
    assertTrue(a.get("value").asDouble() > 1e-6, a.toString());
    assertTrue(Instant.parse(a.get("since").asText()).isBefore(Instant.now().plusSeconds(1)));
    assertTrue(
        a.get("annotations").get("description").asText().contains("objective 0.000001 s"),
        a.toString());

    // Another tenant's key does not see the default tenant's model, nor its alerts.
    Http otherTenant = key("team-x", "operator");
    Http viewer = key("default", "viewer");
    assertEquals(200, otherTenant.get("/v1/alerts").status());
    assertTrue(
        Alerts.find(otherTenant.get("/v1/alerts"), "ModelFleetModelLatencyHigh", "model", "slow")
            .isEmpty());
    assertTrue(
        Alerts.find(viewer.get("/v1/alerts"), "ModelFleetModelLatencyHigh", "model", "slow")
            .isPresent());
    assertEquals(404, otherTenant.post("/v1/alerts/drift/slow/reference", "").status());

    // No requests: the window empties and the alert resolves.
    Alerts.awaitGone(http, "ModelFleetModelLatencyHigh", "model", "slow", WAIT);

    http.await("/v1/models/slow/history", r -> !history("slow", "resolved").isEmpty(), WAIT);
    JsonNode fired = history("slow", "firing").get(0);
    assertEquals("modelfleet-alerts", fired.get("principal").asText());
    assertEquals("ModelFleetModelLatencyHigh", fired.get("details").get("alert").asText());
    assertTrue(fired.get("reason").asText().startsWith("firing: p99 "), fired.toString());
    assertEquals(1, history("slow", "firing").size(), "only transitions are recorded");

    awaitHook("firing", "ModelFleetModelLatencyHigh", "slow");
    JsonNode resolved = awaitHook("resolved", "ModelFleetModelLatencyHigh", "slow");
    assertFalse(resolved.get("endsAt").asText().startsWith("0001"), resolved.toString());
    JsonNode payload =
        hook.payloads().stream()
            .filter(p -> p.path("status").asText().equals("firing"))
            .filter(
                p ->
                    p.path("groupLabels")
                        .path("alertname")
                        .asText()
                        .equals("ModelFleetModelLatencyHigh"))
            .findFirst()
            .orElseThrow();
    assertEquals("4", payload.get("version").asText());
    assertEquals("modelfleet", payload.get("receiver").asText());
    assertEquals("http://fleet.test:8000", payload.get("externalURL").asText());
    assertEquals("{}:{alertname=\"ModelFleetModelLatencyHigh\"}", payload.get("groupKey").asText());
    JsonNode first = payload.get("alerts").get(0);
    assertEquals("0001-01-01T00:00:00Z", first.get("endsAt").asText());
    assertEquals(16, first.get("fingerprint").asText().length());
    assertEquals("http://fleet.test:8000/v1/alerts", first.get("generatorURL").asText());
  }

  @Test
  void aFailingModelFiresAndResolves() {
    infer("fail", WRONG, 400, 5);
    JsonNode a = Alerts.awaitFiring(http, "ModelFleetModelErrorRatioHigh", "model", "fail", WAIT);
    assertEquals("critical", a.get("severity").asText());
    assertEquals(1.0, a.get("value").asDouble(), 1e-9);
    Alerts.awaitGone(http, "ModelFleetModelErrorRatioHigh", "model", "fail", WAIT);
    assertEquals(1, history("fail", "firing").size());
  }

  @Test
  void aQueueNearItsLimitFiresAndResolves() {
    // A request in flight is half of max_queue_size 2; the limit is read from the registry, so
    // requests keep coming until a round has both.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (Alerts.find(http.get("/v1/alerts"), "ModelFleetModelQueueNearFull", "model", "queued")
        .isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the queue alert never fired");
      infer("queued", ROW, 200, 3);
    }
    Alerts.awaitGone(http, "ModelFleetModelQueueNearFull", "model", "queued", WAIT);
  }

  @Test
  void driftingOutputsFireAndResolveAndTheReferenceCanBeCapturedAgain() throws Exception {
    Random random = new Random(42);
    // The reference: 20 requests of 100 values from N(0, 1).
    feed(random, 0, 20);
    feed(random, 0, 15);
    assertTrue(
        Alerts.find(http.get("/v1/alerts"), "ModelFleetModelOutputDrift", "model", "drifty")
            .isEmpty(),
        "the same distribution does not drift");
    feed(random, 3, 15);
    JsonNode a = Alerts.awaitFiring(http, "ModelFleetModelOutputDrift", "model", "drifty", WAIT);
    assertEquals("out", a.get("labels").get("output").asText());
    assertTrue(a.get("value").asDouble() > 0.25, a.toString());
    assertTrue(a.get("annotations").get("description").asText().contains("PSI"), a.toString());

    // Back to the reference's distribution for longer than the window: resolved.
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < until) {
      feed(random, 0, 5);
    }
    Alerts.awaitGone(http, "ModelFleetModelOutputDrift", "model", "drifty", WAIT);

    // A new reference on demand: the shifted distribution becomes the normal.
    Http.Response reset = http.post("/v1/alerts/drift/drifty/reference", "");
    assertEquals(202, reset.status(), reset.body());
    assertEquals(404, http.post("/v1/alerts/drift/nosuch/reference", "").status());
    Thread.sleep(1000);
    feed(random, 3, 40);
    Thread.sleep(1000);
    assertTrue(
        Alerts.find(http.get("/v1/alerts"), "ModelFleetModelOutputDrift", "model", "drifty")
            .isEmpty(),
        "after the reset the shifted outputs are the reference");
    assertEquals(1, history("drifty", "firing").size());
  }

  /** {@code requests} requests of 100 values from N(mean, 1) to the identity model. */
  static void feed(Random random, double mean, int requests) {
    for (int i = 0; i < requests; i++) {
      StringJoiner data = new StringJoiner(",");
      for (int j = 0; j < 100; j++) {
        data.add(Float.toString((float) (mean + random.nextGaussian())));
      }
      infer(
          "drifty",
          "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"FP32\",\"shape\":[1,100],\"data\":["
              + data
              + "]}]}",
          200,
          1);
    }
  }

  static JsonNode awaitHook(String status, String name, String model) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<JsonNode> found = hook.alerts(status, name, "model", model);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      assertTrue(
          System.nanoTime() < deadline, "no " + status + " notification; got " + hook.payloads());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
