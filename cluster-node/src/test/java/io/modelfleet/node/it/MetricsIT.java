package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's {@code /metrics} after a known number of inferences, scraped on the HTTP port and on the
 * metrics port with an administrator's key and parsed by a strict parser of the text format (and by
 * {@code promtool check metrics} where it is installed): Triton's counters under Triton's names
 * with the counts sent, the failure reason of a request that does not fit the model, the HTTP,
 * replica, cluster, registry, upload and JVM families; and the refusals of a scrape without a key
 * and of a tenant's key.
 */
class MetricsIT {
  private static final int N = 7;
  private static final int BAD = 3;
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static int metricsPort;
  static byte[] model;
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    node =
        FleetNode.start(
            TestNodes.config(dataDir, Map.of("modelfleet.ops.metrics.port", metricsPort)));
    http = new Http(node.baseUrl());
    model = TestModels.linear(W, B);
    assertEquals(201, http.put("/v1/models/lin/versions/1", model).status());
    Http.Response r =
        http.post(
            "/v1/models/lin/deployments",
            // A batch dimension (no dynamic batching): a request of two rows is two inferences.
            "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":8}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/lin", readyReplicas("1", 1), Duration.ofSeconds(60));
    String ok =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3],"
            + "\"data\":[1,2,3,4,5,6]}]}";
    for (int i = 0; i < N; i++) {
      Http.Response answer = http.post("/v2/models/lin/infer", ok);
      assertEquals(200, answer.status(), answer.body());
    }
    String wrongShape =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";
    for (int i = 0; i < BAD; i++) {
      Http.Response refused = http.post("/v2/models/lin/infer", wrongShape);
      assertEquals(400, refused.status(), refused.body());
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static HttpResponse<String> scrape(String base, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    try {
      return CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Scrapes {@code base} until {@code until} holds of the parsed text (gauges fed by gossip). */
  static PrometheusText await(String base, Predicate<PrometheusText> until) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      HttpResponse<String> r = scrape(base, TestKeys.ADMIN);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(
          r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
          r.headers().toString());
      PrometheusText t = PrometheusText.parse(r.body());
      if (until.test(t) || System.nanoTime() > deadline) {
        promtool(r.body());
        return t;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static boolean has(PrometheusText t, String name, String... labels) {
    return !t.samples(name, labels).isEmpty();
  }

  @Test
  void bothPortsServeTritonsAndModelFleetsMetrics() {
    for (String base : List.of(node.baseUrl(), "http://127.0.0.1:" + metricsPort)) {
      PrometheusText t =
          await(
              base,
              s ->
                  has(s, "modelfleet_replicas", "model", "lin", "state", "READY")
                      && has(s, "modelfleet_registry_events_total", "event", "deployment_set"));
      String[] lin = {"model", "lin", "version", "1"};
      assertEquals("counter", t.family("nv_inference_request_success").type());
      assertEquals(N, t.value("nv_inference_request_success", lin), base);
      assertEquals(2 * N, t.value("nv_inference_count", lin), "two rows per request");
      assertEquals(N, t.value("nv_inference_exec_count", lin), "sequential requests run alone");
      assertEquals(BAD, t.value("nv_inference_request_failure", "model", "lin", "reason", "OTHER"));
      assertEquals(0, t.value("nv_inference_request_failure", "model", "lin", "reason", "BACKEND"));
      assertTrue(t.value("nv_inference_request_duration_us", lin) > 0);
      assertTrue(t.value("nv_inference_compute_infer_duration_us", lin) > 0);
      assertTrue(t.value("nv_inference_queue_duration_us", lin) >= 0);
      assertTrue(t.value("nv_inference_compute_input_duration_us", lin) >= 0);
      assertTrue(t.value("nv_inference_compute_output_duration_us", lin) >= 0);
      assertEquals(0, t.value("nv_inference_pending_request_count", lin));
      assertEquals(N, t.value("modelfleet_inference_request_duration_seconds_count", lin));
      assertEquals(N, t.value("modelfleet_inference_batch_size_count", lin));
      assertEquals(
          N,
          t.value(
              "modelfleet_http_requests_total",
              "method",
              "POST",
              "route",
              "/v2/models/{m}/infer",
              "status",
              "200"));
      assertEquals(
          BAD,
          t.value(
              "modelfleet_http_requests_total", "route", "/v2/models/{m}/infer", "status", "400"));
      assertEquals(1, t.value("modelfleet_replicas", "model", "lin", "state", "READY"));
      assertEquals(1, t.value("modelfleet_cluster_members", "status", "up"));
      assertEquals(0, t.value("modelfleet_cluster_unreachable_members"));
      assertEquals(1, t.value("modelfleet_cluster_is_leader"));
      assertTrue(t.value("modelfleet_placement_decisions_total", "action", "place_and_start") >= 1);
      assertEquals(1, t.value("modelfleet_registry_events_total", "event", "version_registered"));
      assertEquals(1, t.value("modelfleet_uploads_total", "outcome", "stored"));
      assertEquals(model.length, t.value("modelfleet_upload_bytes_total", "tenant", "default"));
      assertTrue(t.value("nv_cpu_memory_total_bytes") > 0);
      assertTrue(
          t.families().keySet().stream().anyMatch(n -> n.startsWith("jvm_memory")),
          t.families().keySet().toString());
      assertTrue(t.families().keySet().stream().anyMatch(n -> n.startsWith("process_")));
    }
  }

  @Test
  void aScrapeNeedsAClusterReadersKey() {
    for (String base : List.of(node.baseUrl(), "http://127.0.0.1:" + metricsPort)) {
      assertEquals(401, scrape(base, null).statusCode(), base);
      assertEquals(401, scrape(base, "mf_not-a-key").statusCode(), base);
    }
    Http.Response created =
        http.post(
            "/v1/keys",
            "{\"name\":\"team-a-viewer\",\"tenant\":\"team-a\",\"roles\":[\"viewer\"]}");
    assertEquals(201, created.status(), created.body());
    String tenantKey = created.json().get("key").asText();
    assertEquals(403, scrape(node.baseUrl(), tenantKey).statusCode());
  }

  /**
   * {@code promtool check metrics} on the text, where promtool is installed: it must parse; of its
   * lint, only what Triton's own names draw is accepted (counters without {@code _total}, units
   * such as {@code _us}, gauges and counters ending in {@code _count}), since those names are the
   * point.
   */
  static void promtool(String text) {
    Path promtool = onPath("promtool");
    if (promtool == null) {
      System.err.println(
          "promtool is not installed: MetricsIT checks the text with its own parser");
      return;
    }
    try {
      Path in = Files.createTempFile("metrics-", ".txt");
      Files.writeString(in, text, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectInput(in.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      Files.delete(in);
      assertTrue(rc == 0 || rc == 3, "promtool failed (" + rc + "):\n" + out);
      List<String> other = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()
            && !(line.startsWith("nv_")
                && (line.contains("should have \"_total\" suffix")
                    || line.contains("should not have \"_count\" suffix")
                    || line.contains("abbreviated units")))) {
          other.add(line);
        }
      }
      assertEquals(List.of(), other, "promtool's lint beyond Triton's names:\n" + out);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
