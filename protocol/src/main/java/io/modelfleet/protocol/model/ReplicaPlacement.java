package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;

/**
 * Where the replica {@code replicaId} ("model/version/index") runs: node address and device. In the
 * registry's events it is where a replica was started; in the placement map (Distributed Data) it
 * is where the deployment controller wants it.
 */
public record ReplicaPlacement(String replicaId, String node, String device)
    implements FleetSerializable {}
