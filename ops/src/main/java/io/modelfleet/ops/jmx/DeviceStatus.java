package io.modelfleet.ops.jmx;

import io.modelfleet.protocol.cluster.DeviceInfo;

/**
 * One device of the node as the Node MBean shows it: an MXBean composite (a class with getters,
 * since the JDK 17 MXBean mapping does not read records), which JConsole shows as a table row
 * without any ModelFleet class on its classpath.
 */
public final class DeviceStatus {
  private final DeviceInfo d;

  public DeviceStatus(DeviceInfo d) {
    this.d = d;
  }

  /** "cpu", "gpu:0", "sim-gpu:1". */
  public String getId() {
    return d.id();
  }

  /** "cpu" or "gpu". */
  public String getKind() {
    return d.kind();
  }

  public String getName() {
    return d.name();
  }

  /** The GPU's UUID; "" for the CPU. */
  public String getUuid() {
    return d.uuid() == null ? "" : d.uuid();
  }

  /** Device memory in bytes; 0 when unknown (always for the CPU). */
  public long getMemoryTotalBytes() {
    return d.memoryTotalBytes();
  }

  /** Total less free; 0 when the total is unknown. */
  public long getMemoryUsedBytes() {
    return Math.max(0, d.memoryTotalBytes() - d.memoryFreeBytes());
  }

  public long getMemoryFreeBytes() {
    return d.memoryFreeBytes();
  }

  /** Percent busy over NVML's last sample; -1 when unknown. */
  public int getUtilizationPercent() {
    return d.utilizationPercent();
  }

  /** A simulated GPU (tests): it executes on the CPU. */
  public boolean isSimulated() {
    return d.simulated();
  }
}
