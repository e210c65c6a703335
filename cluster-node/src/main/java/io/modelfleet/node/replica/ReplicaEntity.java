package io.modelfleet.node.replica;

import io.modelfleet.node.replica.ReplicaMessage.ArtifactReplaced;
import io.modelfleet.persistence.artifact.ArtifactRepaired;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.util.Timeout;

/**
 * One incarnation of one replica of one model version (sharded, remember-entities, id
 * "model/version/index", plus "/generation" for the copies that moves start; see {@link
 * ReplicaId.Incarnation}).
 *
 * <p>Owns one ONNX Runtime session on one device. Asks the model registry for its version and
 * deployment, reports its placement there, loads and verifies the artifact, warms up (with the
 * deployment's own {@code model_warmup} samples, whose failure is a load failure; without them,
 * with synthetic zeros whose failure is only logged) and publishes itself READY in the replica
 * directory, where gateways find it. Gateways send it inferences; the deployment controller and
 * sharding stop it. A failed load is published as FAILED with the reason and retried with backoff;
 * a replica whose deployment no longer wants it retires itself.
 *
 * <p>Every ORT call runs on the ORT dispatcher; this actor only keeps state and counts in-flight
 * requests, so draining knows when the session can be closed. One behavior per state: the loading
 * states (fetching the spec, reading the placement, opening the session, failed) are in {@link
 * Loading}, the serving ones (ready, draining) in {@link Serving}, and leaving (stopped, or
 * passivated and waiting for sharding's stop) in {@link ReplicaScope}. The published states are
 * {@link ReplicaState}'s.
 */
public final class ReplicaEntity {

  private ReplicaEntity() {}

  /**
   * Starts replica sharding on {@code system}: one shard per replica incarnation, placed by the
   * deployment controller through the external allocation strategy; entities on members with {@code
   * role}, a proxy on the others.
   */
  public static void initSharding(
      ActorSystem<?> system, ReplicaContext rc, String role, Duration askTimeout) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ReplicaCommand.TYPE_KEY, ec -> create(ec, rc))
                .withRole(role)
                .withStopMessage(new ReplicaCommand.Shutdown())
                .withMessageExtractor(new OneShardPerReplica())
                .withAllocationStrategy(
                    new ExternalShardAllocationStrategy(
                        system, ReplicaCommand.TYPE_KEY.name(), Timeout.create(askTimeout))));
  }

  /** The sharded entity: asks the registry through sharding and passivates through its shard. */
  public static Behavior<ReplicaCommand> create(
      EntityContext<ReplicaCommand> entity, ReplicaContext rc) {
    return Behaviors.setup(
        ctx ->
            create(
                entity.getEntityId(),
                entity.getShard(),
                rc,
                ModelRegistry.sharded(ctx.getSystem())));
  }

  /**
   * A replica with the given collaborators: {@code shard} receives its passivation when it retires,
   * {@code registry} answers its questions about the model.
   */
  static Behavior<ReplicaCommand> create(
      String entityId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ReplicaContext rc,
      ModelRegistry registry) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // The states are lambdas in other classes; the log keeps the actor's name.
                  ctx.setLoggerName(ReplicaEntity.class);
                  ActorRef<ArtifactRepaired> repaired =
                      ctx.messageAdapter(
                          ArtifactRepaired.class, r -> new ArtifactReplaced(r.digest()));
                  ctx.getSystem()
                      .eventStream()
                      .tell(new EventStream.Subscribe<>(ArtifactRepaired.class, repaired));
                  ReplicaScope scope = new ReplicaScope(ctx, timers, entityId, shard, rc, registry);
                  return new Loading(scope, new Serving(scope)).fetchSpec(LoadHistory.FIRST);
                }));
  }
}
