package io.modelfleet.ops.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Triton's CPU gauges, read from the operating system at scrape time through the JVM's {@code
 * com.sun.management.OperatingSystemMXBean}: {@code nv_cpu_utilization} (0.0 to 1.0, the whole
 * host's recent load), {@code nv_cpu_memory_total_bytes} and {@code nv_cpu_memory_used_bytes}
 * (total minus free). The JVM reads the container's limits and use when it runs in one, where
 * Triton reads the host's /proc/meminfo; on a bare host the two agree except that "free" here is
 * MemFree, not MemAvailable, so the page cache counts as used. A value the JVM cannot read (a
 * negative load) is left out.
 */
final class HostMetrics implements MultiCollector {

  /** One reading: the load (negative when unknown) and memory in bytes. */
  record Reading(double cpuLoad, long totalBytes, long freeBytes) {}

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  @Override
  public MetricSnapshots collect() {
    return snapshots(new Reading(os.getCpuLoad(), os.getTotalMemorySize(), os.getFreeMemorySize()));
  }

  static MetricSnapshots snapshots(Reading r) {
    GaugeFamily cpu = new GaugeFamily("nv_cpu_utilization", "CPU utilization rate [0.0 - 1.0]");
    GaugeFamily total =
        new GaugeFamily("nv_cpu_memory_total_bytes", "CPU total memory (RAM), in bytes");
    GaugeFamily used =
        new GaugeFamily("nv_cpu_memory_used_bytes", "CPU used memory (RAM), in bytes");
    if (r.cpuLoad() >= 0) {
      cpu.add(Math.min(1.0, r.cpuLoad()));
    }
    if (r.totalBytes() > 0) {
      total.add(r.totalBytes());
      used.add(Math.max(0, r.totalBytes() - Math.max(0, r.freeBytes())));
    }
    List<MetricSnapshot> out = new ArrayList<>(3);
    cpu.addTo(out);
    total.addTo(out);
    used.addTo(out);
    return new MetricSnapshots(out);
  }
}
