package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a replica publishes about itself in the replica directory (Distributed Data), and what
 * gateways route on. {@code ref} is the replica actor itself so that an inference does not pay a
 * sharding hop. {@code reason} explains FAILED (and is null otherwise). {@code footprintBytes} is
 * the device memory placement counts for it ({@link io.modelfleet.protocol.model.Footprint}), 0
 * until the replica knows its version.
 */
public record ReplicaInfo(
    String replicaId,
    String model,
    String version,
    String node,
    String device,
    ReplicaState state,
    String reason,
    ActorRef<ReplicaCommand> ref,
    long updatedAtMillis,
    long footprintBytes)
    implements FleetSerializable {

  public boolean ready() {
    return state == ReplicaState.READY;
  }
}
