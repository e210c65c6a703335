package io.modelfleet.protocol.cluster;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;

/**
 * What each node publishes about itself in the node directory (Distributed Data): its roles and
 * devices, refreshed periodically so memory and utilisation stay current. The placement controller
 * and the cluster endpoints read it.
 */
public record NodeInfo(
    String address, List<String> roles, List<DeviceInfo> devices, long updatedAtMillis)
    implements FleetSerializable {}
