package io.modelfleet.node.replica;

import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaCommand;
import java.util.Optional;

/**
 * What a replica actor tells itself: each future it starts comes back as one typed success or one
 * typed failure, and each timer as its own record. Package-private: no other actor can send these.
 */
sealed interface ReplicaMessage extends ReplicaCommand.Internal
    permits ReplicaMessage.SpecFetched,
        ReplicaMessage.SpecUnavailable,
        ReplicaMessage.NotDeployed,
        ReplicaMessage.PlacementRead,
        ReplicaMessage.SessionOpened,
        ReplicaMessage.SessionFailed,
        ReplicaMessage.RetryDue,
        ReplicaMessage.DrainTimedOut,
        ReplicaMessage.LingerEnded,
        ReplicaMessage.ArtifactReplaced,
        InferencePipeline.ExecutionDone,
        InferencePipeline.PumpTick {

  /** The registry knows this replica's version and its deployment still wants this index. */
  record SpecFetched(VersionInfo version, DeploymentSpec deployment) implements ReplicaMessage {}

  /** The registry did not answer, or answered something other than the model. */
  record SpecUnavailable(String problem) implements ReplicaMessage {}

  /** The registry answered, and no deployment of it wants this replica. */
  record NotDeployed() implements ReplicaMessage {}

  /** The placement the controller gossiped for this incarnation, if any reached this node. */
  record PlacementRead(Optional<ReplicaPlacement> placement) implements ReplicaMessage {}

  /** The session is open, verified and warm. */
  record SessionOpened(ModelSession session) implements ReplicaMessage {}

  /**
   * Opening, verifying or warming up failed; {@code problem} is the message users may see
   * (unredacted).
   */
  /**
   * {@code validation}: the version's validation samples failed (see {@link ValidationFailure}).
   */
  record SessionFailed(String problem, boolean validation) implements ReplicaMessage {}

  /** The backoff after a failure elapsed. Also the timer's key. */
  record RetryDue() implements ReplicaMessage {}

  /** A stopping replica waited its drain timeout for in-flight requests. Also the timer's key. */
  record DrainTimedOut() implements ReplicaMessage {}

  /** A retired replica served its linger (see {@code retire-linger}). Also the timer's key. */
  record LingerEnded() implements ReplicaMessage {}

  /** The node's store replaced a corrupt local copy of {@code digest} by verified bytes. */
  record ArtifactReplaced(String digest) implements ReplicaMessage {}

  /** The registry's answer as the typed message the fetching state waits for. */
  static ReplicaMessage specOf(ModelView model, String version, int index) {
    VersionInfo info = model.versions().get(version);
    DeploymentSpec deployment = model.deployments().get(version);
    if (info == null || deployment == null || index >= deployment.replicas()) {
      return new NotDeployed();
    }
    return new SpecFetched(info, deployment);
  }
}
