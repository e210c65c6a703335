package io.modelfleet.node.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.cluster.DeviceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NVML itself is not tested here: build hosts have no GPU and no NVIDIA driver. What is tested is
 * what such a host shows: auto mode survives NVML failing to load (twice, since a second touch of
 * the JavaCPP binding would throw NoClassDefFoundError), falls back to the driver files, and
 * otherwise reports the CPU alone.
 */
class DeviceInventoryTest {
  @TempDir Path dir;

  private static DeviceInventory withMode(String mode) {
    return DeviceInventory.fromConfig(
        ConfigFactory.parseMap(Map.of("modelfleet.devices.mode", mode))
            .withFallback(ConfigFactory.load()));
  }

  @Test
  void readsGpusFromTheNvidiaDriverFiles() throws Exception {
    for (String bus : new String[] {"0000:3b:00.0", "0000:1a:00.0"}) {
      Files.createDirectories(dir.resolve(bus));
      Files.writeString(
          dir.resolve(bus).resolve("information"),
          "Model: \t\t NVIDIA H200\nIRQ:   123\nGPU UUID: \t GPU-" + bus + "\n");
    }
    var gpus = DeviceInventory.probeNvidiaDriver(dir);
    assertEquals(2, gpus.size());
    assertEquals("gpu:0", gpus.get(0).id());
    assertEquals(
        "GPU-0000:1a:00.0", gpus.get(0).uuid(), "ordered by PCI bus id, as CUDA numbers them");
    assertEquals("NVIDIA H200", gpus.get(1).name());
    assertTrue(gpus.get(0).usesCuda());
  }

  @Test
  void noDriverMeansNoGpu() {
    assertTrue(DeviceInventory.probeNvidiaDriver(dir.resolve("absent")).isEmpty());
  }

  @Test
  void simulatedGpusAreLabelledAndNeverUseCuda() {
    var inv = withMode("simulated");
    assertEquals(2, inv.gpus().size());
    assertTrue(inv.gpus().get(0).simulated());
    assertTrue(inv.gpus().get(0).id().startsWith("sim-gpu:"));
    assertFalse(inv.gpus().get(0).usesCuda());
    assertEquals(16L << 30, inv.gpus().get(0).memoryBytes());
  }

  @Test
  void withoutNvmlAutoModeFallsBackAndReportsNoGpuEveryTime() {
    assumeFalse(
        Nvml.available(),
        "this host has a working NVIDIA driver; the fallback cannot be seen here");
    assertFalse(Nvml.unavailableReason().orElseThrow().isBlank(), "the log line says why");
    for (int attempt = 1;
        attempt <= 2;
        attempt++) { // the second must not meet NoClassDefFoundError
      var inv = DeviceInventory.auto(dir.resolve("absent"));
      assertFalse(inv.hasGpu(), "attempt " + attempt);
      assertEquals(DeviceInventory.Source.NONE, inv.source());
      assertEquals(
          List.of(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false)), inv.describe());
    }
  }

  @Test
  void withoutNvmlAutoModeUsesTheDriverFilesWithMemoryUnknown() throws Exception {
    assumeFalse(
        Nvml.available(),
        "this host has a working NVIDIA driver; the fallback cannot be seen here");
    Files.createDirectories(dir.resolve("0000:1a:00.0"));
    Files.writeString(
        dir.resolve("0000:1a:00.0").resolve("information"),
        "Model: NVIDIA H200\nGPU UUID: GPU-abc\n");
    var inv = DeviceInventory.auto(dir);
    assertEquals(DeviceInventory.Source.DRIVER_FILES, inv.source());
    assertEquals(
        List.of(
            new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false),
            new DeviceInfo("gpu:0", "gpu", "NVIDIA H200", "GPU-abc", 0, 0, -1, false)),
        inv.describe());
  }

  @Test
  void autoModeFromConfigCanBeBuiltAgainAndAgain() {
    var first = withMode("auto");
    var second = withMode("auto");
    assertEquals(first.gpus(), second.gpus());
    assertEquals("cpu", first.describe().get(0).id(), "the CPU is always listed, first");
    second.snapshot();
    second.snapshot();
  }

  @Test
  void cpuOnlyDescribesTheCpuAlone() {
    var inv = withMode("cpu-only");
    assertFalse(inv.hasGpu());
    assertEquals(List.of("cpu"), inv.describe().stream().map(DeviceInfo::id).toList());
  }

  @Test
  void describeListsTheCpuFirstThenSimulatedGpusWithTheirMemory() {
    var inv = DeviceInventory.simulated(2, 8L << 30);
    List<DeviceInfo> infos = inv.describe();
    assertEquals(
        List.of("cpu", "sim-gpu:0", "sim-gpu:1"), infos.stream().map(DeviceInfo::id).toList());
    assertEquals(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false), infos.get(0));
    DeviceInfo gpu = infos.get(1);
    assertEquals("gpu", gpu.kind());
    assertTrue(gpu.simulated());
    assertEquals("simulated GPU", gpu.name());
    assertEquals(8L << 30, gpu.memoryTotalBytes());
    assertEquals(8L << 30, gpu.memoryFreeBytes(), "nothing reserved yet");
    assertEquals(-1, gpu.utilizationPercent());
  }

  @Test
  void aSimulatedGpuHasItsMemoryLessWhatTheNodeReserved() {
    var inv = DeviceInventory.simulated(2, 8L << 30);
    inv.adjustReserved("sim-gpu:1", 3L << 30);
    assertEquals(8L << 30, inv.snapshot().get(0).memoryFreeBytes());
    assertEquals(5L << 30, inv.snapshot().get(1).memoryFreeBytes());
    assertEquals(5L << 30, inv.describe().get(2).memoryFreeBytes());
    inv.adjustReserved("sim-gpu:1", -(3L << 30));
    assertEquals(8L << 30, inv.describe().get(2).memoryFreeBytes());
    var e = assertThrows(IllegalArgumentException.class, () -> inv.adjustReserved("gpu:7", 1));
    assertTrue(e.getMessage().contains("gpu:7"), e.getMessage());
  }

  @Test
  void replicasReserveAndReleaseTheirFootprintOnASimulatedGpuOnly() {
    var inv = DeviceInventory.simulated(1, 8L << 30);
    inv.adjustReserved("sim-gpu:0", 1L << 30);
    inv.adjustReserved("sim-gpu:0", 2L << 30);
    assertEquals(5L << 30, inv.snapshot().get(0).memoryFreeBytes());
    inv.adjustReserved("sim-gpu:0", -(1L << 30));
    assertEquals(6L << 30, inv.snapshot().get(0).memoryFreeBytes());
    inv.adjustReserved("sim-gpu:0", -(9L << 30));
    assertEquals(
        8L << 30, inv.snapshot().get(0).memoryFreeBytes(), "never more free than the GPU has");
    inv.adjustReserved("cpu", 1L << 30);
    assertEquals(8L << 30, inv.snapshot().get(0).memoryFreeBytes());
  }
}
