package io.modelfleet.node.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceInventoryTest {
  @TempDir Path dir;

  @Test
  void readsGpusFromTheNvidiaDriverFiles() throws Exception {
    for (String bus : new String[] {"0000:3b:00.0", "0000:1a:00.0"}) {
      Files.createDirectories(dir.resolve(bus));
      Files.writeString(dir.resolve(bus).resolve("information"),
          "Model: \t\t NVIDIA H200\nIRQ:   123\nGPU UUID: \t GPU-" + bus + "\n");
    }
    var gpus = DeviceInventory.probeNvidiaDriver(dir);
    assertEquals(2, gpus.size());
    assertEquals("gpu:0", gpus.get(0).id());
    assertEquals("GPU-0000:1a:00.0", gpus.get(0).uuid(), "ordered by PCI bus id, as CUDA numbers them");
    assertEquals("NVIDIA H200", gpus.get(1).name());
    assertTrue(gpus.get(0).usesCuda());
  }

  @Test
  void noDriverMeansNoGpu() {
    assertTrue(DeviceInventory.probeNvidiaDriver(dir.resolve("absent")).isEmpty());
  }

  @Test
  void simulatedGpusAreLabelledAndNeverUseCuda() {
    var inv = DeviceInventory.fromConfig(ConfigFactory.parseMap(Map.of("modelfleet.devices.mode", "simulated"))
        .withFallback(ConfigFactory.load()));
    assertEquals(2, inv.gpus().size());
    assertTrue(inv.gpus().get(0).simulated());
    assertTrue(inv.gpus().get(0).id().startsWith("sim-gpu:"));
    assertFalse(inv.gpus().get(0).usesCuda());
    assertEquals(16L << 30, inv.gpus().get(0).memoryBytes());
  }
}
