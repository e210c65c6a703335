package io.modelfleet.ops.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Triton's GPU gauges, labelled {@code gpu_uuid} as Triton's are: {@code nv_gpu_utilization} (0.0
 * to 1.0), {@code nv_gpu_memory_total_bytes}, {@code nv_gpu_memory_used_bytes} and {@code
 * nv_gpu_power_usage} (watts), each only where the reading exists (NVML measures all four; the
 * driver files none; a simulated GPU has its configured memory and what this node reserved on it).
 * Beside them {@code modelfleet_gpu_info} (always 1) names each GPU's device id and whether it is
 * simulated, so that a query can join or exclude them: simulated GPUs are exported, under their
 * "SIM-n" UUIDs, because placement and the alert on GPU memory treat them as GPUs.
 *
 * <p>Registered only on a node whose inventory lists a GPU; the readings are taken once per scrape.
 */
final class GpuMetrics implements MultiCollector {
  private final Supplier<List<GpuSample>> gpus;

  GpuMetrics(Supplier<List<GpuSample>> gpus) {
    this.gpus = gpus;
  }

  @Override
  public MetricSnapshots collect() {
    return snapshots(gpus.get());
  }

  static MetricSnapshots snapshots(List<GpuSample> gpus) {
    GaugeFamily util = new GaugeFamily("nv_gpu_utilization", "GPU utilization rate [0.0 - 1.0)");
    GaugeFamily total = new GaugeFamily("nv_gpu_memory_total_bytes", "GPU total memory, in bytes");
    GaugeFamily used = new GaugeFamily("nv_gpu_memory_used_bytes", "GPU used memory, in bytes");
    GaugeFamily power = new GaugeFamily("nv_gpu_power_usage", "GPU power usage in watts");
    GaugeFamily info =
        new GaugeFamily(
            "modelfleet_gpu_info",
            "The GPUs of this node (always 1): ModelFleet's device id and whether it is simulated");
    for (GpuSample g : gpus) {
      String uuid = g.uuid() == null ? g.device() : g.uuid();
      if (g.utilization() >= 0) {
        util.add(Math.min(1.0, g.utilization()), "gpu_uuid", uuid);
      }
      if (g.memoryTotalBytes() > 0) {
        total.add(g.memoryTotalBytes(), "gpu_uuid", uuid);
      }
      if (g.memoryUsedBytes() >= 0) {
        used.add(g.memoryUsedBytes(), "gpu_uuid", uuid);
      }
      if (g.powerWatts() >= 0) {
        power.add(g.powerWatts(), "gpu_uuid", uuid);
      }
      info.add(
          1,
          "gpu_uuid",
          uuid,
          "device",
          g.device(),
          "name",
          g.name() == null ? "" : g.name(),
          "simulated",
          Boolean.toString(g.simulated()));
    }
    List<MetricSnapshot> out = new ArrayList<>(5);
    util.addTo(out);
    total.addTo(out);
    used.addTo(out);
    power.addTo(out);
    info.addTo(out);
    return new MetricSnapshots(out);
  }
}
