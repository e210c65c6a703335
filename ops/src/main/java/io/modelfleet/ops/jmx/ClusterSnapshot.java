package io.modelfleet.ops.jmx;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's membership as this node sees it now, in plain values: what the node implements
 * {@link ClusterSource} with (from Pekko's cached membership view) and what the Cluster and Node
 * MBeans show.
 *
 * @param self this node's full address ({@code pekko://modelfleet@host:port})
 * @param selfRoles this node's roles, without Pekko's data-center role
 * @param leader the leader's address, empty while there is none
 */
public record ClusterSnapshot(
    String self, List<String> selfRoles, Optional<String> leader, List<Member> members) {

  /** One member: its status as Pekko writes it ("Up", "Leaving", ...) and whether it is reached. */
  public record Member(String address, String status, List<String> roles, boolean reachable) {}

  public ClusterSnapshot {
    selfRoles = List.copyOf(selfRoles);
    members = List.copyOf(members);
  }

  /** Addresses of the members this node cannot reach now. */
  public List<String> unreachable() {
    return members.stream().filter(m -> !m.reachable()).map(Member::address).toList();
  }

  public boolean selfIsLeader() {
    return leader.filter(self::equals).isPresent();
  }

  /** Addresses of the members that are neither Down nor Removed: whose replicas can answer. */
  public Set<String> liveAddresses() {
    return members.stream()
        .filter(m -> !m.status().equals("Down") && !m.status().equals("Removed"))
        .map(Member::address)
        .collect(Collectors.toUnmodifiableSet());
  }
}
