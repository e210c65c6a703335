package io.modelfleet.node.replica;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.replica.ReplicaCommand;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Starts replica entities from the node that should host them (one per worker, found through the
 * receptionist).
 *
 * <p>Why not start them from the deployment controller: sharding asks the allocation strategy for a
 * new shard's home, and the external strategy answers with the location the controller set only
 * once that location has reached the coordinator's node (Distributed Data gossip); until then it
 * answers with the requesting node. Asked by the controller, a replica could start on the
 * controller's node and be handed off a second later. Asked from the target node, it starts on the
 * target either way.
 */
public final class ReplicaStarter {
  public static final ServiceKey<Start> KEY = ServiceKey.create(Start.class, "replica-starter");

  /**
   * Start (or keep running) the replica entity with this id, from this node, on this placement (may
   * be null).
   */
  public record Start(String entityId, ReplicaPlacement placement) implements FleetSerializable {}

  private ReplicaStarter() {}

  public static Behavior<Start> create() {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
          return Behaviors.receiveMessage(
              m -> {
                sharding
                    .entityRefFor(ReplicaCommand.TYPE_KEY, m.entityId())
                    .tell(new ReplicaCommand.EnsureStarted(m.placement()));
                return Behaviors.same();
              });
        });
  }
}
