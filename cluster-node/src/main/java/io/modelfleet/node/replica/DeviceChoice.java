package io.modelfleet.node.replica;

import io.modelfleet.node.device.Device;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ReplicaPlacement;
import java.util.List;
import java.util.Optional;

/**
 * The device a replica opens its session on. The deployment controller's placement wins when it is
 * for this node and names a device that is here and fits the deployment; otherwise (no controller
 * decision yet, or sharding restarted the replica elsewhere after a crash) the node chooses, and
 * the controller then sees that choice. Pure, so the rules are tested without an actor.
 */
final class DeviceChoice {

  private DeviceChoice() {}

  /**
   * @param placement where the controller wants this replica, if known
   * @param node this node's address
   * @param index the replica's index, which spreads replicas over GPUs until placement exists
   * @return empty when the deployment needs a GPU and this node has none
   */
  static Optional<Device> choose(
      Optional<ReplicaPlacement> placement,
      String node,
      DeviceKind kind,
      List<Device> gpus,
      int index) {
    Optional<Device> placed = placement.flatMap(p -> placed(p, node, kind, gpus));
    return placed.isPresent() ? placed : byKind(kind, gpus, index);
  }

  private static Optional<Device> placed(
      ReplicaPlacement p, String node, DeviceKind kind, List<Device> gpus) {
    if (!node.equals(p.node())) {
      return Optional.empty();
    }
    if (Device.CPU.id().equals(p.device())) {
      return kind == DeviceKind.GPU ? Optional.empty() : Optional.of(Device.CPU);
    }
    return gpus.stream().filter(g -> g.id().equals(p.device())).findFirst();
  }

  /** AUTO takes a GPU when the node has one. */
  private static Optional<Device> byKind(DeviceKind kind, List<Device> gpus, int index) {
    return switch (kind) {
      case CPU -> Optional.of(Device.CPU);
      case GPU -> gpus.isEmpty() ? Optional.empty() : Optional.of(gpus.get(index % gpus.size()));
      case AUTO -> Optional.of(gpus.isEmpty() ? Device.CPU : gpus.get(index % gpus.size()));
    };
  }
}
