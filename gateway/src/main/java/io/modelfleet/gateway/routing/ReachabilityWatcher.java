package io.modelfleet.gateway.routing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tells {@link NodeHealth} when a cluster node becomes unreachable, reachable again, or leaves, and
 * tells the {@link ReplicaDirectory} which nodes are members, so that directory entries of departed
 * nodes are neither routed to nor counted.
 *
 * <p>Owns two cluster event subscriptions (reachability events and member events; both deliver the
 * current state as events first) and the membership it assembles from them; the cluster extension
 * talks to it, nothing else does. It has one state and stops on {@link Stop}, sent when the gateway
 * server stops; the subscriptions end with it.
 *
 * <p>Members are kept by unique address: when a node restarts on the same host and port, the new
 * incarnation joins while the old one is still being downed and removed, and the old one's removal
 * must not take the address out of the membership.
 */
public final class ReachabilityWatcher {

  public sealed interface Command {}

  public record Stop() implements Command {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private ReachabilityWatcher() {}

  public static Behavior<Command> create(NodeHealth health, ReplicaDirectory directory) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          cluster
              .subscriptions()
              .tell(
                  Subscribe.create(
                      ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
                      ClusterEvent.ReachabilityEvent.class));
          cluster
              .subscriptions()
              .tell(
                  Subscribe.create(
                      ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                      ClusterEvent.MemberEvent.class));
          Map<UniqueAddress, Member> members = new HashMap<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Reachability.class,
                  m -> {
                    if (m.event() instanceof ClusterEvent.UnreachableMember u) {
                      ctx.getLog()
                          .info(
                              "node {} is unreachable; routing around its replicas",
                              u.member().address());
                      health.markUnreachable(u.member().address());
                    } else if (m.event() instanceof ClusterEvent.ReachableMember r) {
                      health.markReachable(r.member().address());
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  MemberChanged.class,
                  m -> onMemberChanged(ctx, m.event(), members, health, directory))
              .onMessage(Stop.class, m -> Behaviors.stopped())
              .build();
        });
  }

  private static Behavior<Command> onMemberChanged(
      ActorContext<Command> ctx,
      ClusterEvent.MemberEvent event,
      Map<UniqueAddress, Member> members,
      NodeHealth health,
      ReplicaDirectory directory) {
    Member member = event.member();
    if (event instanceof ClusterEvent.MemberRemoved) {
      members.remove(member.uniqueAddress());
      health.removed(member.address());
    } else {
      members.put(member.uniqueAddress(), member);
    }
    RoutingTable table = directory.replaceMembers(routableNodes(members.values()));
    if ((event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberDowned)
        && table.leftOut() > 0) {
      ctx.getLog()
          .info(
              "node {} is {}; {} replica directory entries on departed nodes are no longer routed to",
              member.address(),
              member.status(),
              table.leftOut());
    }
    return Behaviors.same();
  }

  /**
   * The addresses of the members whose replicas may be routed to: all but Down and Removed ones.
   */
  static Set<String> routableNodes(Collection<Member> members) {
    return members.stream()
        .filter(m -> routable(m.status()))
        .map(m -> m.address().toString())
        .collect(Collectors.toUnmodifiableSet());
  }

  static boolean routable(MemberStatus status) {
    return !status.equals(MemberStatus.down()) && !status.equals(MemberStatus.removed());
  }
}
