package io.modelfleet.node.placement;

import java.util.Objects;

/**
 * Where one replica runs: a node's address (as published in the node directory) and the id of one
 * of its devices ("cpu", "gpu:0", "sim-gpu:1").
 */
public record Assignment(String nodeAddress, String deviceId) {

  public Assignment {
    Objects.requireNonNull(nodeAddress, "nodeAddress");
    Objects.requireNonNull(deviceId, "deviceId");
  }

  @Override
  public String toString() {
    return deviceId + " of " + nodeAddress;
  }
}
