package io.modelfleet.ops.alerts;

import io.modelfleet.protocol.alerts.AlertInfo;
import io.modelfleet.protocol.alerts.DriftReset;
import io.modelfleet.protocol.alerts.NodeAlerts;
import io.modelfleet.protocol.cluster.ClusterKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The cluster's alerts as this node's replica of {@link ClusterKeys#ALERTS} holds them: what {@code
 * GET /v1/alerts} answers, with no request to any other node. The node's alert evaluator keeps it
 * current (it subscribes to the map); entries of nodes that are no longer members are left out, so
 * a node that crashed does not leave its alerts behind. Also takes the requests to capture a
 * model's drift reference again, which it writes to {@link ClusterKeys#DRIFT_RESETS} for every
 * node's evaluator to see. Installed in {@code Ops} on every node; found with {@code
 * Ops.get(system).find(AlertBoard.class)}.
 */
public final class AlertBoard {
  private final Supplier<Set<String>> members;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final ActorSystem<?> system;
  private volatile Map<String, NodeAlerts> entries = Map.of();
  private volatile List<AlertInfo> local = List.of();

  /**
   * @param members the addresses of the current cluster members
   */
  public AlertBoard(ActorSystem<?> system, Supplier<Set<String>> members) {
    this.system = system;
    this.members = members;
    DistributedData ddata = DistributedData.get(system);
    this.replicator = ddata.replicator();
    this.self = ddata.selfUniqueAddress();
  }

  /** Every alert of every member, firing first, then by since, name and labels. */
  public List<AlertInfo> alerts() {
    Set<String> current = members.get();
    List<AlertInfo> all = new ArrayList<>();
    entries.forEach(
        (node, a) -> {
          if (current.contains(node)) {
            all.addAll(a.alerts());
          }
        });
    all.sort(
        Comparator.comparing((AlertInfo a) -> !a.firing())
            .thenComparingLong(AlertInfo::sinceMillis)
            .thenComparing(AlertInfo::name)
            .thenComparing(a -> a.labels().toString()));
    return all;
  }

  /**
   * The pending and firing alerts this node evaluates, as its last round left them (for this node's
   * metrics and MBeans: {@code modelfleet_alerts_firing}).
   */
  public List<AlertInfo> local() {
    return local;
  }

  /** The map changed (told by the evaluator). */
  public void replace(Map<String, NodeAlerts> next) {
    entries = Map.copyOf(next);
  }

  /** Writes this node's entry (local write; gossip spreads it). */
  public void publish(NodeAlerts mine) {
    local = mine.alerts();
    replicator.tell(
        new Replicator.Update<>(
            ClusterKeys.ALERTS,
            LWWMap.empty(),
            Replicator.writeLocal(),
            system.ignoreRef(),
            m -> m.put(self, mine.node(), mine)));
  }

  /** Removes the entries of nodes that are gone (the leader does it). */
  public void forget(Set<String> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    replicator.tell(
        new Replicator.Update<>(
            ClusterKeys.ALERTS,
            LWWMap.empty(),
            Replicator.writeLocal(),
            system.ignoreRef(),
            m -> {
              LWWMap<String, NodeAlerts> out = m;
              for (String n : nodes) {
                out = out.remove(self, n);
              }
              return out;
            }));
  }

  /** Node addresses with an entry now. */
  public Set<String> nodes() {
    return entries.keySet();
  }

  /**
   * Asks every node serving {@code model} to capture its drift reference again from its next
   * sampled outputs; returns the request as written.
   */
  public DriftReset resetDrift(String model, String principal) {
    DriftReset reset = new DriftReset(model, System.currentTimeMillis(), principal);
    replicator.tell(
        new Replicator.Update<>(
            ClusterKeys.DRIFT_RESETS,
            LWWMap.empty(),
            Replicator.writeLocal(),
            system.ignoreRef(),
            m -> m.put(self, model, reset)));
    return reset;
  }
}
