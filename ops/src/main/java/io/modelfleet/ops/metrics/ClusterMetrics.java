package io.modelfleet.ops.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The Pekko cluster as this node sees it, read at scrape time from {@code Cluster.state()} (a view
 * the cluster keeps current; reading it sends no message): {@code modelfleet_cluster_members} by
 * status (every status, 0 included), {@code modelfleet_cluster_unreachable_members} and {@code
 * modelfleet_cluster_is_leader}. Each node reports its own view; they agree once gossip converges.
 */
final class ClusterMetrics implements MultiCollector {

  /** Pekko's member statuses, as label values. */
  static final List<String> STATUSES =
      List.of(
          "joining",
          "weakly_up",
          "up",
          "preparing_for_shutdown",
          "ready_for_shutdown",
          "leaving",
          "exiting",
          "down",
          "removed");

  /** One view: member statuses (Pekko's names), unreachable members, whether this node leads. */
  record View(List<String> statuses, int unreachable, boolean leader) {}

  private final Cluster cluster;

  ClusterMetrics(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public MetricSnapshots collect() {
    CurrentClusterState state = cluster.state();
    List<String> statuses = new ArrayList<>();
    for (Member m : state.getMembers()) {
      statuses.add(m.status().toString());
    }
    Set<Member> unreachable = new HashSet<>(state.getUnreachable());
    Address leader = state.getLeader();
    Address self = cluster.selfMember().address();
    return snapshots(new View(statuses, unreachable.size(), self.equals(leader)));
  }

  static MetricSnapshots snapshots(View v) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    STATUSES.forEach(s -> counts.put(s, 0));
    for (String status : v.statuses()) {
      counts.merge(label(status), 1, Integer::sum);
    }
    GaugeFamily members =
        new GaugeFamily(
            "modelfleet_cluster_members",
            "Members of the Pekko cluster, by status (this node's view)");
    counts.forEach((status, n) -> members.add(n, "status", status));
    List<MetricSnapshot> out = new ArrayList<>(3);
    members.addTo(out);
    new GaugeFamily(
            "modelfleet_cluster_unreachable_members",
            "Members this node's failure detector marks unreachable")
        .add(v.unreachable())
        .addTo(out);
    new GaugeFamily(
            "modelfleet_cluster_is_leader", "1 when this node is the cluster's leader, else 0")
        .add(v.leader() ? 1 : 0)
        .addTo(out);
    return new MetricSnapshots(out);
  }

  /** {@code WeaklyUp} → {@code weakly_up}. */
  static String label(String status) {
    StringBuilder b = new StringBuilder(status.length() + 4);
    for (int i = 0; i < status.length(); i++) {
      char c = status.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        b.append('_');
      }
      b.append(Character.toLowerCase(c));
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
