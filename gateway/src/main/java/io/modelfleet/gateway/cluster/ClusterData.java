package io.modelfleet.gateway.cluster;

import io.modelfleet.protocol.cluster.NodeInfo;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * This gateway's latest copies of the two Distributed Data values the cluster endpoints show: the
 * node directory ({@code ClusterKeys.NODES}: each node's devices) and the set of members being
 * drained ({@code ClusterKeys.DRAINING}).
 *
 * <p>The {@link ClusterDataSubscriber} replaces each snapshot whole when the replicator reports a
 * change; request threads read them through volatile fields and never ask the replicator.
 */
public final class ClusterData {

  private volatile Map<String, NodeInfo> nodes = Map.of();
  private volatile Set<String> draining = Set.of();

  /** Node address ({@code Address.toString()}) to what that node published about itself. */
  public Map<String, NodeInfo> nodes() {
    return nodes;
  }

  /** Addresses ({@code Address.toString()}) of the members an operator asked to drain. */
  public Set<String> draining() {
    return draining;
  }

  void replaceNodes(Map<String, NodeInfo> next) {
    nodes = Map.copyOf(next);
  }

  synchronized void replaceDraining(Set<String> next) {
    draining = Set.copyOf(next);
  }

  /**
   * Shows a drain this gateway just wrote before the replicator's change notification (up to its
   * notify interval later) arrives, so that a client reading the members right after its drain
   * request sees it. The notification then replaces the set with the replicated one.
   */
  synchronized void addDraining(String address) {
    if (!draining.contains(address)) {
      Set<String> next = new HashSet<>(draining);
      next.add(address);
      draining = Set.copyOf(next);
    }
  }

  /** As {@link #addDraining}, for a cancelled drain. */
  synchronized void removeDraining(String address) {
    if (draining.contains(address)) {
      Set<String> next = new HashSet<>(draining);
      next.remove(address);
      draining = Set.copyOf(next);
    }
  }
}
