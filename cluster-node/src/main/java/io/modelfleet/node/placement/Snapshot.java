package io.modelfleet.node.placement;

import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * What the deployment controller knows at the start of a round, as plain data for {@link
 * Decisions}.
 *
 * @param models every model read from the registry
 * @param live the replica directory, by entity id
 * @param nodes the node directory, by address
 * @param draining addresses of the members being drained
 * @param members every cluster member by address, with where it stands
 */
record Snapshot(
    Collection<ModelView> models,
    Map<String, ReplicaInfo> live,
    Map<String, NodeInfo> nodes,
    Set<String> draining,
    Map<String, Standing> members) {

  /** A member as placement sees it. */
  enum Standing {
    /** Up or weakly up, and reachable: it may host replicas. */
    UP,
    /**
     * Unreachable or downed but not yet removed: its replicas are left alone (see Reconciliation).
     */
    FROZEN,
    /** Joining, leaving or exiting: a member, but not one to place on. */
    OTHER
  }

  /** Where every member stands, from a node's view of the cluster. */
  static Map<String, Standing> standings(CurrentClusterState state) {
    Set<Member> unreachable = new HashSet<>();
    state.getUnreachable().forEach(unreachable::add);
    Map<String, Standing> members = new HashMap<>();
    for (Member mem : state.getMembers()) {
      MemberStatus status = mem.status();
      Standing standing =
          unreachable.contains(mem) || status == MemberStatus.down()
              ? Standing.FROZEN
              : status == MemberStatus.up() || status == MemberStatus.weaklyUp()
                  ? Standing.UP
                  : Standing.OTHER;
      members.put(mem.address().toString(), standing);
    }
    return members;
  }
}
