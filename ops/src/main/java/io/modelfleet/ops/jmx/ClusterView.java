package io.modelfleet.ops.jmx;

import java.util.List;
import java.util.Set;

/** The Cluster MBean, read from Pekko's membership view and the directory copy on each read. */
final class ClusterView implements ClusterMXBean {
  private final ClusterSource cluster;
  private final DirectoryView directory;

  ClusterView(ClusterSource cluster, DirectoryView directory) {
    this.cluster = cluster;
    this.directory = directory;
  }

  @Override
  public String getSelfAddress() {
    return cluster.snapshot().self();
  }

  @Override
  public String getLeader() {
    return cluster.snapshot().leader().orElse("");
  }

  @Override
  public boolean getIsLeader() {
    return cluster.snapshot().selfIsLeader();
  }

  @Override
  public List<MemberStatus> getMembers() {
    return members(cluster.snapshot(), directory.draining());
  }

  @Override
  public int getMemberCount() {
    return cluster.snapshot().members().size();
  }

  @Override
  public int getUpMembers() {
    return (int) cluster.snapshot().members().stream().filter(m -> m.status().equals("Up")).count();
  }

  @Override
  public List<String> getUnreachable() {
    return cluster.snapshot().unreachable();
  }

  @Override
  public int getUnreachableCount() {
    return cluster.snapshot().unreachable().size();
  }

  @Override
  public List<String> getDraining() {
    return directory.draining().stream().sorted().toList();
  }

  static List<MemberStatus> members(ClusterSnapshot s, Set<String> draining) {
    String leader = s.leader().orElse(null);
    return s.members().stream()
        .map(m -> new MemberStatus(m, m.address().equals(leader), draining.contains(m.address())))
        .toList();
  }
}
