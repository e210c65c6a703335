package io.modelfleet.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.alerts.AlertInfo;
import io.modelfleet.protocol.metrics.PrometheusText;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The families read at scrape time (GPU, CPU, cluster), from given readings; and the settings. */
class ReadingsTest {

  static PrometheusText text(MetricSnapshots s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void gpuGaugesUnderTritonsNamesWithOnlyWhatWasRead() {
    PrometheusText t =
        text(
            GpuMetrics.snapshots(
                List.of(
                    new GpuSample(
                        "GPU-abc", "gpu:0", "H200", false, 0.42, 140L << 30, 10L << 30, 310.5),
                    new GpuSample(
                        "SIM-0",
                        "sim-gpu:0",
                        "simulated GPU",
                        true,
                        Double.NaN,
                        16L << 30,
                        1L << 30,
                        Double.NaN))));
    assertEquals("gauge", t.family("nv_gpu_utilization").type());
    assertEquals(0.42, t.value("nv_gpu_utilization", "gpu_uuid", "GPU-abc"));
    assertTrue(t.samples("nv_gpu_utilization", "gpu_uuid", "SIM-0").isEmpty());
    assertEquals(140L << 30, t.value("nv_gpu_memory_total_bytes", "gpu_uuid", "GPU-abc"));
    assertEquals(1L << 30, t.value("nv_gpu_memory_used_bytes", "gpu_uuid", "SIM-0"));
    assertEquals(310.5, t.value("nv_gpu_power_usage", "gpu_uuid", "GPU-abc"));
    assertEquals(1, t.family("nv_gpu_power_usage").samples().size());
    assertEquals(1, t.value("modelfleet_gpu_info", "device", "sim-gpu:0", "simulated", "true"));
  }

  @Test
  void cpuGaugesFromTheOperatingSystem() {
    PrometheusText t = text(HostMetrics.snapshots(new HostMetrics.Reading(0.25, 1000, 400)));
    assertEquals(0.25, t.value("nv_cpu_utilization"));
    assertEquals(1000, t.value("nv_cpu_memory_total_bytes"));
    assertEquals(600, t.value("nv_cpu_memory_used_bytes"));
    PrometheusText unknown = text(HostMetrics.snapshots(new HostMetrics.Reading(-1, 1000, 400)));
    assertTrue(unknown.samples("nv_cpu_utilization").isEmpty());
    PrometheusText live = text(new HostMetrics().collect());
    assertTrue(live.value("nv_cpu_memory_total_bytes") > 0);
  }

  @Test
  void firingAlertsByNameAndSeverityLeavingPendingOnesOut() {
    PrometheusText t =
        text(
            AlertMetrics.snapshots(
                List.of(
                    alert("ModelFleetModelLatencyHigh", "warning", "firing", "a"),
                    alert("ModelFleetModelLatencyHigh", "warning", "firing", "b"),
                    alert("ModelFleetModelErrorRatioHigh", "critical", "pending", "a"))));
    assertEquals(
        2,
        t.value(
            "modelfleet_alerts_firing",
            "alertname",
            "ModelFleetModelLatencyHigh",
            "severity",
            "warning"));
    assertEquals(1, t.family("modelfleet_alerts_firing").samples().size());
    assertTrue(
        text(AlertMetrics.snapshots(List.of())).samples("modelfleet_alerts_firing").isEmpty());
  }

  private static AlertInfo alert(String name, String severity, String state, String model) {
    return new AlertInfo(name, severity, state, 0, 0, Map.of("model", model), Map.of(), 1, "node");
  }

  @Test
  void clusterMembersByStatus() {
    PrometheusText t =
        text(
            ClusterMetrics.snapshots(
                new ClusterMetrics.View(List.of("Up", "Up", "WeaklyUp", "Leaving"), 1, true)));
    assertEquals(2, t.value("modelfleet_cluster_members", "status", "up"));
    assertEquals(1, t.value("modelfleet_cluster_members", "status", "weakly_up"));
    assertEquals(0, t.value("modelfleet_cluster_members", "status", "down"));
    assertEquals(
        ClusterMetrics.STATUSES.size(), t.family("modelfleet_cluster_members").samples().size());
    assertEquals(1, t.value("modelfleet_cluster_unreachable_members"));
    assertEquals(1, t.value("modelfleet_cluster_is_leader"));
    assertEquals("preparing_for_shutdown", ClusterMetrics.label("PreparingForShutdown"));
  }

  @Test
  void settingsFromReferenceConf() {
    MetricsSettings s = MetricsSettings.fromConfig(ConfigFactory.load());
    assertTrue(s.enabled());
    assertEquals(8002, s.port());
    assertTrue(s.portRequiresKey());
    assertTrue(s.servesPort());
    assertThrows(
        IllegalArgumentException.class,
        () -> new MetricsSettings(true, 0, true, List.of(1.0, 0.5), List.of(1.0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MetricsSettings(true, 70000, true, List.of(1.0), List.of(1.0)));
  }
}
