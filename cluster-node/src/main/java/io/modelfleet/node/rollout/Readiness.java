package io.modelfleet.node.rollout;

import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.rollout.Rollout;
import java.util.Map;

/**
 * The candidate's replicas as the replica directory shows them: how many are Ready of how many its
 * deployment wants, and the reason of one that failed its validation samples (null: none did).
 */
record Readiness(int ready, int wanted, String validationFailure) {

  /** The readiness of {@code r}'s candidate among {@code replicas} (the replica directory). */
  static Readiness of(Map<String, ReplicaInfo> replicas, ModelView view, Rollout r) {

    String candidate = r.spec().version();
    int ready = 0;
    String failure = null;
    for (ReplicaInfo info : replicas.values()) {
      if (!info.model().equals(view.name()) || !info.version().equals(candidate)) {
        continue;
      }
      if (info.ready()) {
        ready++;
      } else if (info.state() == ReplicaState.FAILED
          && info.reason() != null
          && info.reason().contains("validation sample")) {
        failure = info.reason();
      }
    }
    var deployment = view.deployments().get(candidate);
    int wanted = deployment != null ? deployment.replicas() : r.spec().replicas();
    return new Readiness(ready, wanted, failure);
  }
}
