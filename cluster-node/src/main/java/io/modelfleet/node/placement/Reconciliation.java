package io.modelfleet.node.placement;

import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the deployment controller should do, computed from what it knows: the registry's models, the
 * live replicas, the workers and their devices, the members being drained, and where replicas were
 * placed before. Pure, so that the controller actor stays a thin shell of subscriptions.
 *
 * @param plan where every desired replica goes (or why it cannot go anywhere)
 * @param moves at most one rebalancing move per round, so the cluster never churns
 * @param retire live replicas of models the controller has read that no deployment wants any more
 * @param drained draining members that host nothing any more and may leave
 */
public record Reconciliation(
    Plan plan, List<Move> moves, List<ReplicaInfo> retire, List<String> drained) {

  /**
   * @param frozen members that are unreachable or downed but not yet removed. Their replicas are
   *     left alone this round: moving a shard off a node that cannot answer makes sharding wait for
   *     a hand-off that never comes (handoff-timeout); once the member is removed, its shards are
   *     free and the replicas are placed again.
   */
  public static Reconciliation compute(
      Collection<ModelView> models,
      Collection<ReplicaInfo> live,
      Collection<NodeInfo> nodes,
      Set<String> draining,
      Set<String> frozen,
      Map<ReplicaId, Assignment> previous,
      int maxMoves) {
    Map<ReplicaId, ReplicaRequest> desired = new TreeMap<>(Plan.REPLICA_ORDER);
    for (ModelView m : models) {
      for (DeploymentSpec d : m.deployments().values()) {
        VersionInfo v = m.versions().get(d.version());
        long footprint = Footprint.estimate(v == null ? 0 : v.size());
        for (int i = 0; i < d.replicas(); i++) {
          ReplicaId id = new ReplicaId(m.name(), d.version(), i);
          Assignment before = previous.get(id);
          if (before == null || !frozen.contains(before.nodeAddress())) {
            desired.put(id, new ReplicaRequest(d.device(), footprint));
          }
        }
      }
    }
    // Where replicas are now: the live directory wins over what was planned, since sharding may
    // have restarted a replica elsewhere (after a crash) before the controller got to say where.
    Map<ReplicaId, Assignment> current = new HashMap<>();
    for (Map.Entry<ReplicaId, Assignment> e : previous.entrySet()) {
      if (desired.containsKey(e.getKey())) {
        current.put(e.getKey(), e.getValue());
      }
    }
    for (ReplicaInfo r : live) {
      ReplicaId id = ReplicaId.parse(r.replicaId());
      if (desired.containsKey(id)
          && r.state() != ReplicaState.PENDING
          && r.node() != null
          && r.device() != null) {
        current.put(id, new Assignment(r.node(), r.device()));
      }
    }
    List<NodeInfo> nodeList = new ArrayList<>(nodes);
    Plan plan = PlacementPlanner.plan(nodeList, draining, desired, current);
    // Displaced replicas already have their new place in the plan; balancing works on that plan.
    List<Move> moves =
        maxMoves > 0 && frozen.isEmpty()
            ? PlacementPlanner.rebalance(nodeList, draining, desired, plan, maxMoves)
            : List.of();

    // Only a model the controller has read can say that it does not want a replica: a controller
    // that has just started (after a fail-over) sees the live replicas before the registry answers.
    Set<String> known = new HashSet<>();
    models.forEach(m -> known.add(m.name()));
    List<ReplicaInfo> retire = new ArrayList<>();
    for (ReplicaInfo r : live) {
      Assignment before = previous.get(ReplicaId.parse(r.replicaId()));
      boolean onFrozen = before != null && frozen.contains(before.nodeAddress());
      if (r.state() != ReplicaState.PENDING
          && !onFrozen
          && known.contains(r.model())
          && !desired.containsKey(ReplicaId.parse(r.replicaId()))) {
        retire.add(r);
      }
    }
    List<String> drained = new ArrayList<>();
    for (String address : draining) {
      boolean hosts =
          live.stream().anyMatch(r -> address.equals(r.node()) && r.state() != ReplicaState.PENDING)
              || plan.assignments().values().stream()
                  .anyMatch(a -> a.nodeAddress().equals(address));
      if (!hosts) {
        drained.add(address);
      }
    }
    return new Reconciliation(plan, moves, retire, drained);
  }
}
