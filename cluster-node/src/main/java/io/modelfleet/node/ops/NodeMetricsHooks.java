package io.modelfleet.node.ops;

import io.modelfleet.node.device.Device;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.device.DeviceReading;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metrics.GpuSample;
import io.modelfleet.ops.metrics.NodeMetrics;
import io.modelfleet.protocol.service.ModelUploads;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Connects the node's parts that the ops module cannot see to its {@link NodeMetrics}: the GPUs of
 * the device inventory and the upload service. Each does nothing when metrics are off.
 */
public final class NodeMetricsHooks {
  private NodeMetricsHooks() {}

  /**
   * Adds Triton's GPU gauges, read from {@code devices} at every scrape, on a node whose inventory
   * lists a GPU; a node without one never runs GPU code for metrics.
   */
  public static void devices(ActorSystem<?> system, DeviceInventory devices) {
    if (devices.hasGpu()) {
      Ops.get(system).find(NodeMetrics.class).ifPresent(m -> m.gpus(() -> samples(devices)));
    }
  }

  /** {@code uploads}, counted by the metrics when they are on. */
  public static ModelUploads uploads(ActorSystem<?> system, ModelUploads uploads) {
    return Ops.get(system)
        .find(NodeMetrics.class)
        .map(m -> m.uploads().counting(uploads))
        .orElse(uploads);
  }

  static List<GpuSample> samples(DeviceInventory devices) {
    List<GpuSample> out = new ArrayList<>();
    for (DeviceReading r : devices.snapshot()) {
      Device d = r.device();
      long total = d.memoryBytes();
      // Memory is unknown (0 free, 0 total) for the driver files' GPUs; free 0 of a known total is
      // a full GPU, or one NVML cannot read now, which shows as full everywhere else too.
      long used = total > 0 ? Math.max(0, total - r.memoryFreeBytes()) : -1;
      out.add(
          new GpuSample(
              d.uuid(),
              d.id(),
              d.name(),
              d.simulated(),
              r.utilizationPercent() < 0 ? Double.NaN : r.utilizationPercent() / 100.0,
              total > 0 ? total : -1,
              used,
              devices.powerWatts(d)));
    }
    return out;
  }
}
