package io.modelfleet.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.HttpExchange;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's metric families: names, types, labels and values after known reports. */
class NodeMetricsTest {

  static final MetricsSettings SETTINGS =
      new MetricsSettings(true, 0, true, List.of(0.001, 0.01, 0.1, 1.0), List.of(1.0, 4.0, 16.0));

  static PrometheusText scrape(NodeMetrics m) {
    return PrometheusText.parse(new String(m.scrape(), StandardCharsets.UTF_8));
  }

  @Test
  void tritonCountersKeepTritonsNamesAndTypes() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    m.inference().open("fraud", "1", "fraud/1/0", "cpu");
    String text = new String(m.scrape(), StandardCharsets.UTF_8);
    PrometheusText t = PrometheusText.parse(text);
    for (String name : InferenceMetrics.TRITON_COUNTERS) {
      assertEquals("counter", t.family(name).type(), name);
      assertFalse(text.contains(name + "_total"), name + " must not get _total:\n" + text);
    }
    assertEquals("gauge", t.family("nv_inference_pending_request_count").type());
    assertEquals(
        "Number of successful inference requests, all batch sizes",
        t.family("nv_inference_request_success").help());
    assertEquals(0, t.value("nv_inference_request_success", "model", "fraud", "version", "1"));
    for (FailureReason r : FailureReason.values()) {
      assertEquals(
          0,
          t.value(
              "nv_inference_request_failure",
              "model",
              "fraud",
              "version",
              "1",
              "reason",
              r.name()));
    }
    assertEquals("histogram", t.family("modelfleet_inference_request_duration_seconds").type());
  }

  @Test
  void theClientAloneWouldAddTotalToTritonsCounters() {
    // Why TritonCounterNames exists: the client's text writer always suffixes counters.
    var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
    io.prometheus.metrics.core.metrics.Counter.builder()
        .name("nv_inference_request_success")
        .register(registry)
        .inc();
    var out = new java.io.ByteArrayOutputStream();
    try {
      io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
          .write(out, registry.scrape());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("nv_inference_request_success_total"));
  }

  @Test
  void countsAsTritonDoes() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    ReplicaObserver o = m.inference().open("fraud", "1", "fraud/1/0", "cpu");
    // A batch of two requests (3 rows): queued 1 ms and 3 ms, executed, both answered.
    o.pending(2);
    o.waiting(2);
    o.queued(1_000_000);
    o.queued(3_000_000);
    o.pending(2);
    o.waiting(0);
    o.executed(2, 3, 10_000, 200_000, 3_000);
    o.succeeded(5_000_000);
    o.succeeded(7_000_500);
    o.pending(0);
    o.waiting(0);
    // A batch of one that failed in the runtime: its queue time is not counted.
    o.queued(50_000_000);
    o.failed(FailureReason.BACKEND, 60_000_000);
    // Refused before it ran.
    o.failed(FailureReason.REJECTED, 1_000);
    o.failed(FailureReason.OTHER, 1_000);
    o.failed(FailureReason.OTHER, 1_000);
    PrometheusText t = scrape(m);
    String[] fraud1 = {"model", "fraud", "version", "1"};
    assertEquals(2, t.value("nv_inference_request_success", fraud1));
    assertEquals(3, t.value("nv_inference_count", fraud1));
    assertEquals(1, t.value("nv_inference_exec_count", fraud1));
    assertEquals(5_000 + 7_000, t.value("nv_inference_request_duration_us", fraud1));
    assertEquals(4_000, t.value("nv_inference_queue_duration_us", fraud1));
    // Each request of the batch is charged the batch's phases, as Triton charges them.
    assertEquals(20, t.value("nv_inference_compute_input_duration_us", fraud1));
    assertEquals(400, t.value("nv_inference_compute_infer_duration_us", fraud1));
    assertEquals(6, t.value("nv_inference_compute_output_duration_us", fraud1));
    assertEquals(1, t.value("nv_inference_request_failure", "reason", "BACKEND"));
    assertEquals(1, t.value("nv_inference_request_failure", "reason", "REJECTED"));
    assertEquals(2, t.value("nv_inference_request_failure", "reason", "OTHER"));
    assertEquals(0, t.value("nv_inference_request_failure", "reason", "CANCELED"));
    assertEquals(2, t.value("modelfleet_inference_request_duration_seconds_count", fraud1));
    assertEquals(
        0.012000500, t.value("modelfleet_inference_request_duration_seconds_sum", fraud1), 1e-9);
    assertEquals(3, t.value("modelfleet_inference_queue_duration_seconds_count", fraud1));
    assertEquals(
        1, t.value("modelfleet_inference_batch_size_bucket", "model", "fraud", "le", "4.0"));
    assertEquals(
        0, t.value("modelfleet_inference_batch_size_bucket", "model", "fraud", "le", "1.0"));
  }

  @Test
  void cacheHitsCountAsSuccessesButNotAsInferences() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    ReplicaObserver o = m.inference().open("cached", "1", "cached/1/0", "cpu");
    // A miss: computed, answered, stored (lookup and insert 4.5 µs).
    o.queued(1_000);
    o.executed(1, 1, 1_000, 2_000, 1_000);
    o.succeeded(9_000);
    o.cacheMiss(4_500);
    // Two hits, 2 µs and 3 µs to look up and answer.
    o.cacheHit(2_000);
    o.succeeded(2_500);
    o.cacheHit(3_000);
    o.succeeded(3_500);
    PrometheusText t = scrape(m);
    String[] v = {"model", "cached", "version", "1"};
    assertEquals(2, t.value("nv_cache_num_hits_per_model", v));
    assertEquals(5, t.value("nv_cache_hit_duration_per_model", v));
    assertEquals(1, t.value("nv_cache_num_misses_per_model", v));
    assertEquals(4, t.value("nv_cache_miss_duration_per_model", v));
    assertEquals(3, t.value("nv_inference_request_success", v));
    assertEquals(1, t.value("nv_inference_count", v));
    assertEquals(1, t.value("nv_inference_exec_count", v));
    assertEquals("counter", t.family("nv_cache_num_hits_per_model").type());
  }

  @Test
  void aClosedReplicaKeepsItsCountsAndLeavesThePendingGauge() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    ReplicaObserver a = m.inference().open("m", "2", "m/2/0", "cpu");
    ReplicaObserver b = m.inference().open("m", "2", "m/2/1", "cpu");
    a.executed(1, 1, 0, 0, 0);
    a.succeeded(1_000);
    a.waiting(3);
    b.waiting(2);
    assertEquals(5, scrape(m).value("nv_inference_pending_request_count", "model", "m"));
    a.closed();
    PrometheusText t = scrape(m);
    assertEquals(2, t.value("nv_inference_pending_request_count", "model", "m"));
    assertEquals(1, t.value("nv_inference_request_success", "model", "m"));
    ReplicaObserver c = m.inference().open("m", "2", "m/2/0/1", "cpu");
    c.executed(1, 1, 0, 0, 0);
    c.succeeded(1_000);
    assertEquals(2, scrape(m).value("nv_inference_request_success", "model", "m"));
  }

  @Test
  void httpRequestsByMethodRouteAndStatus() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    for (int i = 0; i < 3; i++) {
      m.http().completed(exchange("POST", "/v2/models/{m}/infer", 200, 2_000_000));
    }
    m.http().completed(exchange("POST", "/v2/models/{m}/infer", 400, 1_000_000));
    m.http().completed(exchange("BREW", "other", 404, 1_000));
    PrometheusText t = scrape(m);
    assertEquals("counter", t.family("modelfleet_http_requests_total").type());
    assertEquals(
        3,
        t.value(
            "modelfleet_http_requests_total",
            "method",
            "POST",
            "route",
            "/v2/models/{m}/infer",
            "status",
            "200"));
    assertEquals(1, t.value("modelfleet_http_requests_total", "status", "400", "method", "POST"));
    assertEquals(1, t.value("modelfleet_http_requests_total", "method", "other"));
    assertEquals(
        4,
        t.value(
            "modelfleet_http_request_duration_seconds_count",
            "method",
            "POST",
            "route",
            "/v2/models/{m}/infer"));
    assertEquals(
        1,
        t.value(
            "modelfleet_http_request_duration_seconds_bucket",
            "route",
            "/v2/models/{m}/infer",
            "le",
            "0.001"),
        "only the 1 ms request is within 1 ms");
  }

  private static HttpExchange exchange(String method, String route, int status, long nanos) {
    return new HttpExchange(
        method, "/x", route, status, nanos, "id", "anonymous", "", "default", -1, -1);
  }

  @Test
  void placementRegistryAndUploadFamilies() {
    NodeMetrics m = new NodeMetrics(SETTINGS);
    m.placement().decided("place_and_start");
    m.placement().decided("place_and_start");
    m.placement().moved();
    m.placement().failedOver();
    m.placement().pending(Map.of("big", 2, "huge", 1));
    m.placement().pending(Map.of("big", 1));
    m.registryEvents().persisted("version_registered");
    PrometheusText t = scrape(m);
    assertEquals(2, t.value("modelfleet_placement_decisions_total", "action", "place_and_start"));
    assertEquals(1, t.value("modelfleet_placement_moves_total"));
    assertEquals(1, t.value("modelfleet_failovers_total"));
    assertEquals(1, t.value("modelfleet_placement_pending_replicas", "model", "big"));
    assertTrue(t.samples("modelfleet_placement_pending_replicas", "model", "huge").isEmpty());
    assertEquals(1, t.value("modelfleet_registry_events_total", "event", "version_registered"));
    for (String outcome : UploadMetrics.OUTCOMES) {
      assertEquals(0, t.value("modelfleet_uploads_total", "outcome", outcome));
    }
  }
}
