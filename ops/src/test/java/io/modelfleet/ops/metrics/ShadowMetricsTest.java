package io.modelfleet.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.ops.load.ShadowCounters;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShadowMetricsTest {

  @Test
  void shadowCountersAndSkipsAreCountersByLabel() {
    ShadowCounters counters = new ShadowCounters();
    counters.mirrored("m", "1", "2");
    counters.mirrored("m", "1", "2");
    counters.failed("m", "1", "2");
    counters.compared("m", "1", "2", Map.of("y", 0.5), Map.of("y", 0.5));
    NodeMetrics m = new NodeMetrics(NodeMetricsTest.SETTINGS);
    m.register(new ShadowMetrics(() -> counters.snapshot(null), () -> Map.of("memory", 3L)));
    PrometheusText t = PrometheusText.parse(new String(m.scrape(), StandardCharsets.UTF_8));
    assertEquals("counter", t.family("modelfleet_shadow_requests_total").type());
    assertEquals(
        2,
        t.value(
            "modelfleet_shadow_requests_total",
            "model",
            "m",
            "baseline",
            "1",
            "candidate",
            "2",
            "result",
            "mirrored"));
    assertEquals(
        1,
        t.value(
            "modelfleet_shadow_requests_total",
            "model",
            "m",
            "baseline",
            "1",
            "candidate",
            "2",
            "result",
            "failed"));
    assertEquals(3, t.value("modelfleet_shadow_skipped_total", "reason", "memory"));
  }
}
