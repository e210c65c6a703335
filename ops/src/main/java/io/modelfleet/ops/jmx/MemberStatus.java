package io.modelfleet.ops.jmx;

import java.util.List;

/**
 * One cluster member as the Cluster MBean shows it (an MXBean composite; a class with getters, as
 * {@link DeviceStatus} explains).
 */
public final class MemberStatus {
  private final ClusterSnapshot.Member m;
  private final boolean leader;
  private final boolean draining;

  public MemberStatus(ClusterSnapshot.Member m, boolean leader, boolean draining) {
    this.m = m;
    this.leader = leader;
    this.draining = draining;
  }

  public String getAddress() {
    return m.address();
  }

  /** Pekko's member status: Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed. */
  public String getStatus() {
    return m.status();
  }

  public List<String> getRoles() {
    return m.roles();
  }

  /** Whether this node's failure detector reaches it now. */
  public boolean isReachable() {
    return m.reachable();
  }

  public boolean isLeader() {
    return leader;
  }

  /** Whether an operator asked for it to be drained (the cluster's draining set). */
  public boolean isDraining() {
    return draining;
  }
}
