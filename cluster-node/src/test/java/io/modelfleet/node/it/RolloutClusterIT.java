package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.testing.FaultyModels;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.LoadGenerator;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.SlowModels;
import io.modelfleet.node.testing.TestModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts on a 3-node cluster (embedded PostgreSQL) under steady load, one model per scenario,
 * every client request counted: a canary to a good version promotes through every step; canaries to
 * a version that errors on some inputs, to a much slower one and to one with drifted outputs roll
 * back by themselves with the threshold in the history; a blue-green switch; a version failing its
 * validation samples never takes traffic; and a rollout survives kill -9 of the node that runs the
 * rollout controller. Zero failed requests in each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration PAUSE = Duration.ofMillis(5);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {0f, 0f}};
  private static final float[] B1 = {1f, 0f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
  private static final String TWO_ROWS =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3],"
          + "\"data\":[1,2,3,4,5,6]}]}";

  /** For x = [1, 2, 3] bias [1, 0] answers y = [2, 2]; bias [2, 0] answers [3, 2]. */
  private static final String SAMPLES =
      "{\"samples\":[{\"name\":\"one-two-three\",\"atol\":1e-5,\"rtol\":1e-4,"
          + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}],"
          + "\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[2,2]}]}]}";

  private static final Set<String> FINAL = Set.of("PROMOTED", "ROLLED_BACK", "ABORTED");

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<Integer> remotePorts = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    for (int i = 0; i < 3; i++) {
      remotePorts.add(NodeProcess.freePort());
    }
    for (int i = 0; i < 3; i++) {
      nodes.add(
          NodeProcess.start(
              dir.resolve("node" + i),
              Map.of(
                  "MODELFLEET_REMOTE_PORT", Integer.toString(remotePorts.get(i)),
                  "MODELFLEET_SEED_NODES", "pekko://modelfleet@127.0.0.1:" + remotePorts.get(0),
                  "MODELFLEET_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
                  "MODELFLEET_DB_USER", "postgres",
                  "MODELFLEET_SBR_STABLE_AFTER", "3s",
                  "MODELFLEET_HEARTBEAT_PAUSE", "2s",
                  "MODELFLEET_DEMO_MODEL", "false")));
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

  // ---------------------------------------------------------------- scenarios

  @Test
  @Order(1)
  void aCanaryToAGoodVersionPromotesThroughEveryStep() throws Exception {
    Http h = http(1);
    setUp(h, "good", TestModels.linear(W, B1), 1);
    upload(h, "good", "2", TestModels.linear(W, new float[] {1f, 0.0001f}));
    assertEquals(
        400, h.post("/v1/models/good/rollouts", "{\"version\":\"2\",\"steps\":[50,10]}").status());
    assertEquals(404, h.post("/v1/models/good/rollouts", "{\"version\":\"9\"}").status());
    assertEquals(409, h.post("/v1/models/good/rollouts", "{\"version\":\"1\"}").status());
    try (LoadGenerator load = load("good", ROW, 2)) {
      long t0 = System.nanoTime();
      Http.Response started =
          h.post(
              "/v1/models/good/rollouts",
              "{\"version\":\"2\",\"steps\":[10,50,100],\"step_duration\":\"2s\","
                  + "\"analysis\":{\"min_requests\":20,\"max_error_ratio\":0.01,\"max_p99_ms\":2000}}");
      assertEquals(201, started.status(), started.body());
      assertEquals("PROGRESSING", started.json().get("state").asText());
      assertEquals("1", started.json().get("baseline").asText());
      assertEquals(409, h.post("/v1/models/good/rollouts", "{\"version\":\"2\"}").status());
      // The live numbers show up while it runs, on any node.
      JsonNode live =
          http(2)
              .await(
                  "/v1/models/good/rollouts/1",
                  r -> r.json().path("live").path("candidate").path("requests").asLong() > 0,
                  WAIT)
              .json();
      assertEquals("PROGRESSING", live.get("state").asText(), live.toString());
      assertFalse(live.get("live").get("verdict").asText().isEmpty(), live.toString());
      assertTrue(live.get("live").get("baseline").has("p99_ms"), live.toString());
      JsonNode model = h.get("/v1/models/good").json();
      JsonNode shown = model.path("rollout");
      assertEquals("2", shown.path("version").asText(), model.toString());
      assertEquals("PROGRESSING", shown.path("state").asText(), model.toString());
      JsonNode done = awaitFinal(h, "good");
      double took = (System.nanoTime() - t0) / 1e9;
      assertEquals("PROMOTED", done.get("state").asText(), done.toString());
      awaitRetired(h, "good");
      load.stop();
      report("canary to a good version: promoted", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    assertTrue(
        h.get("/v1/models/good").json().path("rollout").isMissingNode(),
        "a finished rollout is no longer shown on the model");
    List<JsonNode> events = rolloutEvents(h, "good");
    assertEquals(
        List.of(
            "RolloutStarted",
            "RolloutStepStarted",
            "RolloutStepStarted",
            "RolloutStepStarted",
            "RolloutFinished",
            "RolloutRetired"),
        events.stream().map(e -> e.get("event").asText()).toList(),
        events.toString());
    assertEquals(
        List.of(10, 50, 100),
        events.stream()
            .filter(e -> e.get("event").asText().equals("RolloutStepStarted"))
            .map(e -> e.get("details").get("percent").asInt())
            .toList());
    JsonNode finished = events.get(4);
    assertEquals("PROMOTED", finished.get("details").get("outcome").asText());
    assertEquals("modelfleet-rollouts", finished.get("principal").asText());
    assertTrue(
        finished.get("reason").asText().startsWith("step 3 of 3 (100 %) passed"),
        finished.toString());
    assertTrue(
        finished.get("details").get("candidate_requests").asLong() >= 20, finished.toString());
    assertEquals("1", events.get(5).get("details").get("version").asText());
    JsonNode model = h.get("/v1/models/good").json();
    assertEquals(
        List.of("2"),
        streamOf(model.get("deployments")).map(d -> d.get("version").asText()).toList(),
        "the baseline's deployment is retired");
    assertEquals("2", served(h, "good"));
  }

  @Test
  @Order(2)
  void aCanaryThatFailsOnSomeInputsRollsBackOnItsErrorRatio() throws Exception {
    Http h = http(0);
    setUp(h, "errs", TestModels.linear(W, B1), 1);
    upload(h, "errs", "2", FaultyModels.failsOnOddBatches());
    // Version 2 answers the two-row requests and fails the one-row ones.
    try (LoadGenerator good = load("errs", TWO_ROWS, 1);
        LoadGenerator failing = load("errs", ROW, 1)) {
      double took =
          rollOut(
              h,
              "errs",
              "{\"version\":\"2\",\"steps\":[50,100],\"step_duration\":\"3s\","
                  + "\"analysis\":{\"min_requests\":20,\"max_error_ratio\":0.05}}",
              "ROLLED_BACK");
      awaitRetired(h, "errs");
      good.stop();
      failing.stop();
      report("canary to a version failing on some inputs: rolled back", good, failing, took);
      assertEquals(0, good.failed() + failing.failed(), good.summary() + " / " + failing.summary());
    }
    JsonNode finished = finishedEvent(h, "errs");
    assertTrue(finished.get("reason").asText().startsWith("error ratio "), finished.toString());
    assertTrue(
        finished.get("reason").asText().contains("> max_error_ratio 0.05"), finished.toString());
    assertTrue(finished.get("details").get("candidate_errors").asLong() > 0, finished.toString());
    assertEquals("1", served(h, "errs"));
    assertOnlyDeployment(h, "errs", "1");
  }

  @Test
  @Order(3)
  void aMuchSlowerCanaryRollsBackOnItsP99RatioToTheBaseline() throws Exception {
    Http h = http(2);
    setUp(h, "slow", SlowModels.tiledMatMuls(64, 1), 1);
    upload(h, "slow", "2", SlowModels.tiledMatMuls(64, 40));
    try (LoadGenerator load = load("slow", SlowModels.request(64, 2048), 2)) {
      double took =
          rollOut(
              h,
              "slow",
              "{\"version\":\"2\",\"steps\":[50,100],\"step_duration\":\"3s\","
                  + "\"analysis\":{\"min_requests\":20,\"max_p99_ratio\":3}}",
              "ROLLED_BACK");
      awaitRetired(h, "slow");
      load.stop();
      report("canary to a much slower version: rolled back", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    JsonNode finished = finishedEvent(h, "slow");
    assertTrue(
        finished.get("reason").asText().startsWith("p99 latency ratio "), finished.toString());
    assertTrue(finished.get("reason").asText().contains("> max_p99_ratio 3"), finished.toString());
    assertOnlyDeployment(h, "slow", "1");
  }

  @Test
  @Order(4)
  void aCanaryWithDriftedOutputsRollsBackOnTheShadowComparison() throws Exception {
    Http h = http(1);
    setUp(h, "drift", TestModels.linear(W, B1), 1);
    upload(h, "drift", "2", TestModels.linear(W, new float[] {2f, 0f}));
    try (LoadGenerator load = load("drift", ROW, 2)) {
      double took =
          rollOut(
              h,
              "drift",
              "{\"version\":\"2\",\"steps\":[20,100],\"step_duration\":\"3s\",\"shadow_percent\":100,"
                  + "\"analysis\":{\"min_requests\":20,\"max_drift_abs\":0.1}}",
              "ROLLED_BACK");
      awaitRetired(h, "drift");
      load.stop();
      report("canary to a version with drifted outputs: rolled back", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    JsonNode finished = finishedEvent(h, "drift");
    assertTrue(
        finished.get("reason").asText().startsWith("output 'y' drifts by up to "),
        finished.toString());
    assertTrue(
        finished.get("reason").asText().contains("> max_drift_abs 0.1"), finished.toString());
    assertTrue(finished.get("details").get("shadow_compared").asLong() >= 20, finished.toString());
    assertOnlyDeployment(h, "drift", "1");
  }

  @Test
  @Order(5)
  void aBlueGreenSwitchKeepsTheBaselineWarmUntilTheSwitchHasProvedItself() throws Exception {
    Http h = http(0);
    setUp(h, "bg", TestModels.linear(W, B1), 1);
    upload(h, "bg", "2", TestModels.linear(W, new float[] {1f, 0.0001f}));
    try (LoadGenerator load = load("bg", ROW, 2)) {
      double took =
          rollOut(
              h,
              "bg",
              "{\"version\":\"2\",\"strategy\":\"blue-green\",\"step_duration\":\"2s\","
                  + "\"analysis\":{\"min_requests\":20}}",
              "PROMOTED");
      awaitRetired(h, "bg");
      load.stop();
      report("blue-green switch: promoted", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    List<String> names = rolloutEvents(h, "bg").stream().map(e -> e.get("event").asText()).toList();
    assertEquals(
        List.of("RolloutStarted", "RolloutStepStarted", "RolloutFinished", "RolloutRetired"),
        names);
    assertEquals("2", served(h, "bg"));
    assertOnlyDeployment(h, "bg", "2");
  }

  @Test
  @Order(6)
  void aVersionFailingItsValidationSamplesNeverTakesTraffic() throws Exception {
    Http h = http(2);
    setUp(h, "valid", TestModels.linear(W, B1), 1);
    upload(h, "valid", "2", TestModels.linear(W, new float[] {2f, 0f}));
    Http.Response set =
        h.send(
            HttpRequest.newBuilder(URI.create(h.base() + "/v1/models/valid/versions/2/validation"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(SAMPLES)));
    assertEquals(200, set.status(), set.body());
    try (LoadGenerator load = load("valid", ROW, 2)) {
      double took =
          rollOut(
              h, "valid", "{\"version\":\"2\",\"analysis\":{\"min_requests\":20}}", "ROLLED_BACK");
      awaitRetired(h, "valid");
      load.stop();
      report("version failing its validation samples: rolled back", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    List<JsonNode> events = rolloutEvents(h, "valid");
    assertEquals(
        List.of("RolloutStarted", "RolloutFinished", "RolloutRetired"),
        events.stream().map(e -> e.get("event").asText()).toList(),
        "no step: the split never pointed at it");
    String reason = events.get(1).get("reason").asText();
    assertTrue(
        reason.startsWith(
            "version 2 failed its validation samples: validation sample 'one-two-three'"),
        reason);
    assertOnlyDeployment(h, "valid", "1");
  }

  @Test
  @Order(7)
  void aPersonPausesResumesAndAbortsARollout() throws Exception {
    Http h = http(0);
    setUp(h, "manual", TestModels.linear(W, B1), 1);
    upload(h, "manual", "2", TestModels.linear(W, new float[] {1f, 0.0001f}));
    try (LoadGenerator load = load("manual", ROW, 2)) {
      long t0 = System.nanoTime();
      Http.Response started =
          h.post(
              "/v1/models/manual/rollouts",
              "{\"version\":\"2\",\"steps\":[50,100],\"step_duration\":\"60s\"}");
      assertEquals(201, started.status(), started.body());
      h.await("/v1/models/manual/rollouts/1", r -> r.json().get("step").asInt() == 1, WAIT);
      Http.Response paused = h.post("/v1/models/manual/rollouts/1/pause", "");
      assertEquals(200, paused.status(), paused.body());
      assertEquals("PAUSED", paused.json().get("state").asText());
      Http.Response again = h.post("/v1/models/manual/rollouts/1/pause", "");
      assertEquals(409, again.status(), again.body());
      assertTrue(again.error().contains("is PAUSED"), again.body());
      assertEquals(404, h.post("/v1/models/manual/rollouts/1/skip", "").status());
      assertEquals(404, h.post("/v1/models/manual/rollouts/7/abort", "").status());
      Http.Response resumed = h.post("/v1/models/manual/rollouts/1/resume", "");
      assertEquals("PROGRESSING", resumed.json().get("state").asText(), resumed.body());
      Http.Response aborted = h.post("/v1/models/manual/rollouts/1/abort", "");
      assertEquals(200, aborted.status(), aborted.body());
      assertEquals("ABORTED", aborted.json().get("state").asText());
      assertEquals(409, h.post("/v1/models/manual/rollouts/1/promote", "").status());
      double took = (System.nanoTime() - t0) / 1e9;
      awaitRetired(h, "manual");
      load.stop();
      report("paused, resumed and aborted by a person", load, took);
      assertEquals(0, load.failed(), load.summary());
    }
    List<JsonNode> events = rolloutEvents(h, "manual");
    assertEquals(
        List.of(
            "RolloutStarted",
            "RolloutStepStarted",
            "RolloutPaused",
            "RolloutResumed",
            "RolloutFinished",
            "RolloutRetired"),
        events.stream().map(e -> e.get("event").asText()).toList());
    JsonNode pause = events.get(2);
    assertTrue(pause.get("reason").asText().startsWith("paused by admin (k-"), pause.toString());
    assertTrue(pause.get("principal").asText().startsWith("admin (k-"), pause.toString());
    assertEquals("ABORTED", events.get(4).get("details").get("outcome").asText());
    assertEquals("1", served(h, "manual"));
    assertOnlyDeployment(h, "manual", "1");
  }

  @Test
  @Order(8)
  void aRolloutSurvivesKillingTheNodeThatRunsTheRolloutController() throws Exception {
    Http h = http(1);
    setUp(h, "fo", TestModels.linear(W, B1), 2);
    upload(h, "fo", "2", TestModels.linear(W, new float[] {1f, 0.0001f}));
    String victim = "pekko://modelfleet@127.0.0.1:" + remotePorts.get(0);
    assertTrue(
        nodes.get(0).log().contains("Rollout controller started on " + victim),
        "the oldest node runs the rollout controller");
    List<String> urls =
        List.of(
            nodes.get(1).baseUrl() + "/v2/models/fo/infer",
            nodes.get(2).baseUrl() + "/v2/models/fo/infer");
    try (LoadGenerator load = new LoadGenerator(urls, ROW, 2, Duration.ofSeconds(30), PAUSE)) {
      long t0 = System.nanoTime();
      Http.Response started =
          h.post(
              "/v1/models/fo/rollouts",
              "{\"version\":\"2\",\"steps\":[25,50,75,100],\"step_duration\":\"3s\","
                  + "\"analysis\":{\"min_requests\":20}}");
      assertEquals(201, started.status(), started.body());
      h.await("/v1/models/fo/rollouts/1", r -> r.json().get("step").asInt() >= 2, WAIT);
      nodes.get(0).kill();
      long killed = System.nanoTime();
      JsonNode done = awaitFinal(h, "fo");
      double took = (System.nanoTime() - t0) / 1e9;
      assertEquals("PROMOTED", done.get("state").asText(), done.toString());
      awaitRetired(h, "fo");
      load.stop();
      report(
          String.format(
              "rollout across kill -9 of the controller's node (killed %.1f s in, done %.1f s after)",
              (killed - t0) / 1e9, (System.nanoTime() - killed) / 1e9),
          load,
          took);
      assertEquals(0, load.failed(), load.summary());
    }
    List<JsonNode> events = rolloutEvents(h, "fo");
    assertTrue(
        events.stream()
            .anyMatch(
                e -> e.get("reason").asText().contains("the rollout controller took over on")),
        "a decision after the fail-over says the window restarted: " + events);
    assertEquals("PROMOTED", finishedEvent(h, "fo").get("details").get("outcome").asText());
    assertEquals("2", served(h, "fo"));
  }

  // ---------------------------------------------------------------- helpers

  static Http http(int i) {
    return new Http(nodes.get(i).baseUrl());
  }

  /** Uploads and deploys version 1 of {@code model} with {@code replicas} replicas, Ready. */
  static void setUp(Http h, String model, byte[] v1, int replicas) {
    upload(h, model, "1", v1);
    Http.Response d =
        h.post(
            "/v1/models/" + model + "/deployments",
            "{\"version\":\"1\",\"replicas\":" + replicas + "}");
    assertEquals(202, d.status(), d.body());
    for (int i = 0; i < 3; i++) {
      http(i).await("/v1/models/" + model, Http.readyReplicas("1", replicas), WAIT);
    }
  }

  static void upload(Http h, String model, String version, byte[] bytes) {
    Http.Response up = h.put("/v1/models/" + model + "/versions/" + version, bytes);
    assertEquals(201, up.status(), up.body());
  }

  static LoadGenerator load(String model, String body, int clients) {
    List<String> urls = new ArrayList<>();
    for (NodeProcess n : nodes) {
      urls.add(n.baseUrl() + "/v2/models/" + model + "/infer");
    }
    return new LoadGenerator(urls, body, clients, Duration.ofSeconds(30), PAUSE);
  }

  /** Starts rollout 1 of {@code model}, waits for {@code outcome}; returns the seconds it took. */
  static double rollOut(Http h, String model, String body, String outcome) {
    long t0 = System.nanoTime();
    Http.Response started = h.post("/v1/models/" + model + "/rollouts", body);
    assertEquals(201, started.status(), started.body());
    JsonNode done = awaitFinal(h, model);
    assertEquals(outcome, done.get("state").asText(), done.toString());
    return (System.nanoTime() - t0) / 1e9;
  }

  static JsonNode awaitFinal(Http h, String model) {
    return h.await(
            "/v1/models/" + model + "/rollouts/1",
            r -> r.status() == 200 && FINAL.contains(r.json().get("state").asText()),
            WAIT)
        .json();
  }

  static void awaitRetired(Http h, String model) {
    h.await("/v1/models/" + model + "/rollouts/1", r -> r.json().get("retired").asBoolean(), WAIT);
  }

  static List<JsonNode> rolloutEvents(Http h, String model) {
    return streamOf(h.get("/v1/models/" + model + "/history").json().get("events"))
        .filter(e -> e.get("event").asText().startsWith("Rollout"))
        .toList();
  }

  static JsonNode finishedEvent(Http h, String model) {
    return rolloutEvents(h, model).stream()
        .filter(e -> e.get("event").asText().equals("RolloutFinished"))
        .findFirst()
        .orElseThrow();
  }

  static void assertOnlyDeployment(Http h, String model, String version) {
    JsonNode m = h.get("/v1/models/" + model).json();
    assertEquals(
        List.of(version),
        streamOf(m.get("deployments")).map(d -> d.get("version").asText()).toList(),
        m.toString());
    assertFalse(m.toString().contains("\"canary\":{"), "no split left: " + m);
  }

  static String served(Http h, String model) {
    Http.Response r = h.post("/v2/models/" + model + "/infer", ROW);
    assertEquals(200, r.status(), r.body());
    return r.json().get("model_version").asText();
  }

  static java.util.stream.Stream<JsonNode> streamOf(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out.stream();
  }

  static void report(String what, LoadGenerator load, double took) {
    System.out.printf(
        "ROLLOUT %s in %.1f s; requests %d, failed %d; %s%n",
        what, took, load.total(), load.failed(), load.summary());
  }

  static void report(String what, LoadGenerator a, LoadGenerator b, double took) {
    System.out.printf(
        "ROLLOUT %s in %.1f s; requests %d, failed %d; %s / %s%n",
        what, took, a.total() + b.total(), a.failed() + b.failed(), a.summary(), b.summary());
  }
}
