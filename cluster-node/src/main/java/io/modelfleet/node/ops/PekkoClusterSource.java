package io.modelfleet.node.ops;

import io.modelfleet.ops.jmx.ClusterSnapshot;
import io.modelfleet.ops.jmx.ClusterSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The membership for the MBeans, from Pekko's membership view on this node ({@code
 * Cluster.state()}, a volatile read of what gossip last told it; no message is sent).
 */
final class PekkoClusterSource implements ClusterSource {

  /** Pekko gives every member a role naming its data center; it says nothing to an operator. */
  private static final String DATA_CENTER_ROLE_PREFIX = "dc-";

  private final Cluster cluster;

  PekkoClusterSource(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public ClusterSnapshot snapshot() {
    CurrentClusterState state = cluster.state();
    Set<Address> unreachable = new HashSet<>();
    for (Member m : state.getUnreachable()) {
      unreachable.add(m.address());
    }
    List<ClusterSnapshot.Member> members = new ArrayList<>();
    for (Member m : state.getMembers()) {
      members.add(
          new ClusterSnapshot.Member(
              m.address().toString(),
              m.status().toString(),
              roles(m.getRoles()),
              !unreachable.contains(m.address())));
    }
    Member self = cluster.selfMember();
    return new ClusterSnapshot(
        self.address().toString(),
        roles(self.getRoles()),
        Optional.ofNullable(state.getLeader()).map(Address::toString),
        members);
  }

  private static List<String> roles(Collection<String> roles) {
    return roles.stream().filter(r -> !r.startsWith(DATA_CENTER_ROLE_PREFIX)).sorted().toList();
  }
}
