package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaInfo;

/**
 * One thing the deployment controller is to do, as {@link Decisions} decided it. The controller
 * carries the actions of a round out in order and decides nothing itself.
 */
sealed interface Action {

  /** A line for the controller's log. */
  record Log(boolean warning, String line) implements Action {
    static Log info(String line) {
      return new Log(false, line);
    }

    static Log warn(String line) {
      return new Log(true, line);
    }
  }

  /** Counts a decision that is no action of its own, for the node's metrics. */
  record Count(Counted what) implements Action {}

  /** What {@link Count} counts. */
  enum Counted {
    /** A make-before-break move began. */
    MOVE,
    /** A replica of a removed member is restarted elsewhere. */
    FAILOVER
  }

  /**
   * Starts the entity, or keeps it alive, from the node it should run on when that node is known.
   */
  record Start(String entityId, Assignment at) implements Action {}

  /**
   * Records the device in the placement map and the node as the shard's location, then starts the
   * entity there: a new replica, or the new copy of a make-before-break move.
   */
  record PlaceAndStart(String entityId, Assignment at) implements Action {}

  /** Records where an entity already runs as its shard's location (after a restart came up). */
  record RecordLocation(String entityId, Assignment at) implements Action {}

  /** Tells a live incarnation to drain its requests and stop for good. */
  record Retire(ReplicaInfo replica, String reason) implements Action {}

  /** Writes a PENDING entry (a replica that cannot be placed, and why) to the replica directory. */
  record PublishPending(ReplicaInfo info) implements Action {}

  /** Deletes an entry of the replica directory (a stale PENDING one, or one of a departed node). */
  record RemoveReplicaEntry(String replicaId) implements Action {}

  /** Deletes a departed node's entry of the node directory. */
  record RemoveNodeEntry(String address) implements Action {}

  /** Asks a drained member to leave the cluster and drops it from the draining set. */
  record Leave(String address) implements Action {}
}
