package io.modelfleet.gateway.routing;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tells {@link NodeHealth} when a cluster node becomes unreachable, reachable again, or leaves.
 *
 * <p>Owns two cluster event subscriptions (reachability events and member removal); the cluster
 * extension talks to it, nothing else does. It has one state and stops on {@link Stop}, sent when
 * the gateway server stops; the subscriptions end with it.
 */
public final class ReachabilityWatcher {

  public sealed interface Command {}

  public record Stop() implements Command {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Removed(ClusterEvent.MemberRemoved event) implements Command {}

  private ReachabilityWatcher() {}

  public static Behavior<Command> create(NodeHealth health) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
          ClusterEvent.ReachabilityEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new),
          ClusterEvent.MemberRemoved.class));
      return Behaviors.receive(Command.class)
          .onMessage(Reachability.class, m -> {
            if (m.event() instanceof ClusterEvent.UnreachableMember u) {
              ctx.getLog().info("node {} is unreachable; routing around its replicas", u.member().address());
              health.markUnreachable(u.member().address());
            } else if (m.event() instanceof ClusterEvent.ReachableMember r) {
              health.markReachable(r.member().address());
            }
            return Behaviors.same();
          })
          .onMessage(Removed.class, m -> {
            health.removed(m.event().member().address());
            return Behaviors.same();
          })
          .onMessage(Stop.class, m -> Behaviors.stopped())
          .build();
    });
  }
}
