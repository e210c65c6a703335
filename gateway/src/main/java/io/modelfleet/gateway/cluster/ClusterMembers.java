package io.modelfleet.gateway.cluster;

import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Assembles the members view: Pekko's membership and reachability as this node sees them, joined
 * with the node directory (devices), the draining set and the routing table (replica counts).
 * Nothing here asks anyone; every input is a local snapshot.
 */
public final class ClusterMembers {

  /** Pekko gives every member a role naming its data center; it says nothing to an operator. */
  static final String DATA_CENTER_ROLE_PREFIX = "dc-";

  private ClusterMembers() {}

  /** Every member in {@code state}, in Pekko's address order. */
  public static List<MemberRow> rows(
      CurrentClusterState state,
      Map<String, NodeInfo> nodes,
      Set<String> draining,
      RoutingTable table) {
    Set<Address> unreachable = new HashSet<>();
    for (Member m : state.getUnreachable()) {
      unreachable.add(m.address());
    }
    Address leader = state.getLeader();
    Map<String, Member> oldestByDc = oldestByDataCenter(state.getMembers());
    List<MemberRow> rows = new ArrayList<>();
    for (Member m : state.getMembers()) {
      Boolean oldest = ageCounts(m.status()) ? m.equals(oldestByDc.get(m.dataCenter())) : null;
      rows.add(
          row(
              m.address().toString(),
              m.getRoles(),
              m.status().toString(),
              !unreachable.contains(m.address()),
              m.address().equals(leader),
              oldest,
              nodes,
              draining,
              table));
    }
    return rows;
  }

  /** One member's row from plain facts; {@code oldest} null leaves the field out. */
  public static MemberRow row(
      String address,
      Collection<String> roles,
      String status,
      boolean reachable,
      boolean leader,
      Boolean oldest,
      Map<String, NodeInfo> nodes,
      Set<String> draining,
      RoutingTable table) {
    List<String> shown =
        roles.stream().filter(r -> !r.startsWith(DATA_CENTER_ROLE_PREFIX)).sorted().toList();
    return new MemberRow(
        address,
        shown,
        status,
        reachable,
        leader,
        oldest,
        draining.contains(address),
        devices(address, nodes),
        table.countOnNode(address));
  }

  /**
   * The devices the node at {@code address} published. Each node keys its entry by its address; the
   * address inside the entry is consulted too, in case a node keys it otherwise.
   */
  static List<DeviceInfo> devices(String address, Map<String, NodeInfo> nodes) {
    NodeInfo info = nodes.get(address);
    if (info == null) {
      info =
          nodes.values().stream().filter(n -> address.equals(n.address())).findFirst().orElse(null);
    }
    return info == null || info.devices() == null ? List.of() : info.devices();
  }

  /** The statuses cluster singletons consider when they look for the oldest member. */
  static boolean ageCounts(MemberStatus status) {
    return status.equals(MemberStatus.up()) || status.equals(MemberStatus.leaving());
  }

  private static Map<String, Member> oldestByDataCenter(Iterable<Member> members) {
    Comparator<Member> byAge = Member.ageOrdering();
    Map<String, Member> oldest = new HashMap<>();
    for (Member m : members) {
      if (ageCounts(m.status())) {
        oldest.merge(m.dataCenter(), m, (a, b) -> byAge.compare(b, a) < 0 ? b : a);
      }
    }
    return oldest;
  }
}
