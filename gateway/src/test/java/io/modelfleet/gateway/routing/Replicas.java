package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;

/** Directory entries for tests; routing logic never touches the actor ref. */
public final class Replicas {

  private Replicas() {}

  public static ReplicaInfo replica(String model, String version, int index, ReplicaState state) {
    return replica(model, version, index, state, "node-a");
  }

  public static ReplicaInfo replica(
      String model, String version, int index, ReplicaState state, String node) {
    String reason = state == ReplicaState.FAILED ? "artifact digest mismatch" : null;
    return new ReplicaInfo(
        model + "/" + version + "/" + index,
        model,
        version,
        node,
        "cpu",
        state,
        reason,
        null,
        0L,
        0L);
  }

  public static ReplicaInfo ready(String model, String version, int index) {
    return replica(model, version, index, ReplicaState.READY);
  }
}
