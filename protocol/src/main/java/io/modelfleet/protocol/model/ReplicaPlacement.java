package io.modelfleet.protocol.model;

/** Where the replica {@code replicaId} ("model/version/index") was last started: node address and device. */
public record ReplicaPlacement(String replicaId, String node, String device) {}
