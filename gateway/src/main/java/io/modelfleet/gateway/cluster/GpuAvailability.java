package io.modelfleet.gateway.cluster;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether any worker of the cluster reports a GPU, from the node directory (what each node
 * publishes about its devices; a simulated GPU counts, as placement treats it as one). Pure.
 *
 * <p>"No GPU" is only said when it is known: while no Up worker has published its devices yet (a
 * node that has just started), the answer is "unknown" and nothing is refused.
 */
public final class GpuAvailability {

  private GpuAvailability() {}

  /** {@link #noGpu} over this gateway's current node directory and membership. */
  public static Supplier<Optional<String>> live(ActorSystem<?> system, ClusterData data) {
    Cluster cluster = Cluster.get(system);
    return () -> {
      Set<String> up = new HashSet<>();
      for (Member m : cluster.state().getMembers()) {
        if (m.status().equals(MemberStatus.up())) {
          up.add(m.address().toString());
        }
      }
      return noGpu(data.nodes().values(), up);
    };
  }

  /**
   * Empty when some Up worker reports a GPU, or when no Up worker has reported anything yet;
   * otherwise the sentence naming the workers and their devices.
   *
   * @param upMembers addresses of the members that are Up
   */
  public static Optional<String> noGpu(Collection<NodeInfo> nodes, Set<String> upMembers) {
    List<String> workers = new ArrayList<>();
    for (NodeInfo n : nodes) {
      if (!upMembers.contains(n.address())
          || n.roles() == null
          || !n.roles().contains(ClusterKeys.ROLE_WORKER)) {
        continue;
      }
      List<String> kinds = new ArrayList<>();
      for (DeviceInfo d : n.devices()) {
        if ("gpu".equals(d.kind())) {
          return Optional.empty();
        }
        kinds.add(d.kind());
      }
      workers.add(n.address() + " " + kinds);
    }
    if (workers.isEmpty()) {
      return Optional.empty();
    }
    workers.sort(null);
    return Optional.of(
        "no worker of the cluster has a GPU (workers: " + String.join(", ", workers) + ")");
  }
}
