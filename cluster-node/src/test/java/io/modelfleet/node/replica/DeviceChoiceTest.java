package io.modelfleet.node.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.node.device.Device;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ReplicaPlacement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
  private static final String HERE = "pekko://modelfleet@10.0.0.1:25520";
  private static final List<Device> TWO_GPUS = DeviceInventory.simulated(2, 1L << 30).gpus();

  private static Optional<ReplicaPlacement> at(String node, String device) {
    return Optional.of(new ReplicaPlacement("m/1/0", node, device));
  }

  @Test
  void thePlacementForThisNodeWins() {
    assertEquals(
        Optional.of(TWO_GPUS.get(1)),
        DeviceChoice.choose(at(HERE, "sim-gpu:1"), HERE, DeviceKind.AUTO, TWO_GPUS, 0));
    assertEquals(
        Optional.of(Device.CPU),
        DeviceChoice.choose(at(HERE, "cpu"), HERE, DeviceKind.AUTO, TWO_GPUS, 0));
  }

  @Test
  void aPlacementForAnotherNodeOrAnAbsentDeviceLeavesTheChoiceToTheNode() {
    assertEquals(
        Optional.of(TWO_GPUS.get(1)),
        DeviceChoice.choose(
            at("pekko://modelfleet@10.0.0.2:25520", "sim-gpu:0"),
            HERE,
            DeviceKind.AUTO,
            TWO_GPUS,
            1));
    assertEquals(
        Optional.of(TWO_GPUS.get(0)),
        DeviceChoice.choose(at(HERE, "gpu:7"), HERE, DeviceKind.GPU, TWO_GPUS, 2));
  }

  @Test
  void aGpuDeploymentIsNeverPlacedOnTheCpu() {
    assertEquals(
        Optional.of(TWO_GPUS.get(1)),
        DeviceChoice.choose(at(HERE, "cpu"), HERE, DeviceKind.GPU, TWO_GPUS, 1));
    assertEquals(
        Optional.empty(), DeviceChoice.choose(at(HERE, "cpu"), HERE, DeviceKind.GPU, List.of(), 0));
    assertEquals(
        Optional.empty(),
        DeviceChoice.choose(Optional.empty(), HERE, DeviceKind.GPU, List.of(), 0));
  }

  @Test
  void withoutPlacementAutoTakesAGpuByIndexAndCpuStaysOnTheCpu() {
    assertEquals(
        Optional.of(TWO_GPUS.get(1)),
        DeviceChoice.choose(Optional.empty(), HERE, DeviceKind.AUTO, TWO_GPUS, 3));
    assertEquals(
        Optional.of(Device.CPU),
        DeviceChoice.choose(Optional.empty(), HERE, DeviceKind.AUTO, List.of(), 3));
    assertEquals(
        Optional.of(Device.CPU),
        DeviceChoice.choose(Optional.empty(), HERE, DeviceKind.CPU, TWO_GPUS, 3));
  }
}
