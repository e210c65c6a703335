package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.ReplicaPlacement;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Commands of a replica entity (entity id "model/version/index"). Sealed, so the public protocol is
 * exactly the records below plus {@link Internal}.
 */
public sealed interface ReplicaCommand extends FleetSerializable {

  EntityTypeKey<ReplicaCommand> TYPE_KEY = EntityTypeKey.create(ReplicaCommand.class, "Replica");

  /**
   * Starts the entity if it is not running; sent by the deployment controller. {@code placement} is
   * where the controller wants it (node and device), carried with the start so that a new replica
   * opens its session on the planned device without waiting for the placement map to reach its node
   * by gossip; null leaves the choice to the node.
   */
  record EnsureStarted(ReplicaPlacement placement) implements ReplicaCommand {}

  record Infer(InferRequest request, ActorRef<InferReply> replyTo) implements ReplicaCommand {}

  /**
   * The client of the {@link Infer} that named {@code replyTo} went away (its connection closed,
   * its gRPC call was cancelled). If that request is still queued it is dropped and never computed;
   * if it is already running it finishes (ONNX Runtime's run is not interrupted) and its answer
   * goes nowhere. The reply ref identifies the request: the gateway asks with a fresh one per
   * attempt.
   */
  record Cancel(ActorRef<InferReply> replyTo) implements ReplicaCommand {}

  /** This replica's statistics since it started. */
  record GetStats(ActorRef<ReplicaStats> replyTo) implements ReplicaCommand {}

  /**
   * Drains in-flight requests, closes the session and stops for good (the version is undeployed).
   */
  record Retire(String reason) implements ReplicaCommand {}

  /**
   * Sharding's stop message on rebalance or node shutdown: drain, then stop (it will start
   * elsewhere).
   */
  record Shutdown() implements ReplicaCommand {}

  /**
   * The messages the replica actor sends itself (results of its own futures, timers). They live
   * with the actor in cluster-node, which a sealed {@code permits} list here cannot name (another
   * module and package), so this one opening lets the actor be typed by this protocol alone. Never
   * sent between nodes: nothing outside the replica's own package implements it.
   */
  non-sealed interface Internal extends ReplicaCommand {}
}
