package io.modelfleet.node.ops;

import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.ops.jmx.DeviceSource;
import io.modelfleet.protocol.cluster.DeviceInfo;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The node's devices for the Node MBean, read from the {@link DeviceInventory} at most once per
 * {@code maxAgeNanos}: JConsole polls every few seconds per open window, and a GPU's reading is an
 * NVML call per device, so readers in between share the last one.
 */
final class InventoryDevices implements DeviceSource {
  private record Reading(long atNanos, List<DeviceInfo> devices) {}

  private final DeviceInventory inventory;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  private volatile Reading last;

  InventoryDevices(DeviceInventory inventory, long maxAgeNanos, LongSupplier nanoClock) {
    this.inventory = inventory;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoClock = nanoClock;
  }

  @Override
  public List<DeviceInfo> devices() {
    long now = nanoClock.getAsLong();
    Reading r = last;
    if (r == null || now - r.atNanos() >= maxAgeNanos) {
      // Two readers may both read at the turn of the second; both readings are right.
      r = new Reading(now, List.copyOf(inventory.describe()));
      last = r;
    }
    return r.devices();
  }
}
