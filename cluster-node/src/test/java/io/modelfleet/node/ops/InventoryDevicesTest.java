package io.modelfleet.node.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.node.device.DeviceInventory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InventoryDevicesTest {

  @Test
  void readersWithinTheMaximumAgeShareOneReading() {
    DeviceInventory inventory = DeviceInventory.simulated(1, 1_000);
    AtomicLong now = new AtomicLong(5_000);
    InventoryDevices devices = new InventoryDevices(inventory, 1_000, now::get);
    assertEquals("cpu", devices.devices().get(0).id());
    assertEquals(1_000, devices.devices().get(1).memoryFreeBytes());

    inventory.adjustReserved("sim-gpu:0", 400);
    now.addAndGet(999);
    assertEquals(1_000, devices.devices().get(1).memoryFreeBytes(), "the last reading");
    now.addAndGet(1);
    assertEquals(600, devices.devices().get(1).memoryFreeBytes(), "a new reading");
  }
}
