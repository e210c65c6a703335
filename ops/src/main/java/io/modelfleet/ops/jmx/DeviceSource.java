package io.modelfleet.ops.jmx;

import io.modelfleet.protocol.cluster.DeviceInfo;
import java.util.List;

/**
 * This node's devices with their memory and utilisation, as the cluster sees them (the CPU first,
 * then each GPU). Called on every read of the Node MBean's Devices attribute, so an implementation
 * must answer from a recent reading rather than measure each time. Implemented in cluster-node.
 */
@FunctionalInterface
public interface DeviceSource {
  List<DeviceInfo> devices();
}
