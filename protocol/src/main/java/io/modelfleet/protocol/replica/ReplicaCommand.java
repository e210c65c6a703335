package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Commands of a replica entity (entity id "model/version/index"). */
public sealed interface ReplicaCommand extends FleetSerializable {

  EntityTypeKey<ReplicaCommand> TYPE_KEY = EntityTypeKey.create(ReplicaCommand.class, "Replica");

  /**
   * Starts the entity if it is not running; sent by the deployment controller. {@code placement}
   * is where the controller wants it (node and device), carried with the start so that a new
   * replica opens its session on the planned device without waiting for the placement map to
   * reach its node by gossip; null leaves the choice to the node.
   */
  record EnsureStarted(io.modelfleet.protocol.model.ReplicaPlacement placement) implements ReplicaCommand {}

  record Infer(InferRequest request, ActorRef<InferReply> replyTo) implements ReplicaCommand {}

  /** This replica's statistics since it started. */
  record GetStats(ActorRef<ReplicaStats> replyTo) implements ReplicaCommand {}

  /** Drains in-flight requests, closes the session and stops for good (the version is undeployed). */
  record Retire(String reason) implements ReplicaCommand {}

  /** Sharding's stop message on rebalance or node shutdown: drain, then stop (it will start elsewhere). */
  record Shutdown() implements ReplicaCommand {}
}
