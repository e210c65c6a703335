package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a replica publishes about itself in the replica directory (Distributed Data), and what
 * gateways route on. {@code ref} is the replica actor itself so that an inference does not pay
 * a sharding hop. {@code reason} explains FAILED (and is null otherwise).
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
    long updatedAtMillis)
    implements FleetSerializable {

  public boolean ready() {
    return state == ReplicaState.READY;
  }
}
