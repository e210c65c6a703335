package io.modelfleet.ops.jmx;

import java.util.List;

/**
 * The cluster as this node sees it, at {@code io.modelfleet:type=Cluster}: Pekko's membership and
 * reachability joined with the draining set. Pekko's own {@code pekko:type=Cluster} MBean sits
 * beside it with the raw gossip state and the join/leave/down operations.
 */
public interface ClusterMXBean {

  /** This node's address. */
  String getSelfAddress();

  /** The leader's address; "" while there is none. */
  String getLeader();

  /** Whether this node is the leader. */
  boolean getIsLeader();

  List<MemberStatus> getMembers();

  int getMemberCount();

  /** Members with status Up. */
  int getUpMembers();

  /** Addresses of the members this node cannot reach. */
  List<String> getUnreachable();

  int getUnreachableCount();

  /** Addresses of the members being drained. */
  List<String> getDraining();
}
