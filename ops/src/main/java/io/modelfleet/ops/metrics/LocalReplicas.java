package io.modelfleet.ops.metrics;

import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * {@code modelfleet_replicas} (model, state): the replicas hosted on this node by state, from the
 * replica directory (each replica writes its own entry, with its node). A subscriber actor keeps
 * the counts of this node's entries; a scrape reads the last counts. Only states with replicas are
 * exported (PENDING replicas have no node: see {@code modelfleet_placement_pending_replicas}).
 */
final class LocalReplicas implements MultiCollector {

  sealed interface Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, ReplicaInfo>> response)
      implements Command {}

  private final String selfAddress;

  /** Model → state → count, replaced whole on every change. */
  private volatile Map<String, Map<String, Integer>> counts = Map.of();

  LocalReplicas(String selfAddress) {
    this.selfAddress = selfAddress;
  }

  /** The subscriber that keeps the counts. */
  Behavior<Command> subscriber() {
    return DistributedData.<Command, LWWMap<String, ReplicaInfo>>withReplicatorMessageAdapter(
        adapter -> {
          adapter.subscribe(ReplicaDirectoryKey.KEY, Changed::new);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Changed.class,
                  m -> {
                    if (m.response() instanceof Replicator.Changed<LWWMap<String, ReplicaInfo>> c) {
                      update(c.get(ReplicaDirectoryKey.KEY).getEntries().values());
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  void update(Collection<ReplicaInfo> entries) {
    Map<String, Map<String, Integer>> next = new TreeMap<>();
    for (ReplicaInfo r : entries) {
      if (selfAddress.equals(r.node()) && r.state() != null) {
        next.computeIfAbsent(r.model(), m -> new TreeMap<>())
            .merge(r.state().name(), 1, Integer::sum);
      }
    }
    counts = next;
  }

  @Override
  public MetricSnapshots collect() {
    GaugeFamily replicas =
        new GaugeFamily(
            "modelfleet_replicas",
            "Replicas hosted on this node, by model and state (READY serves)");
    counts.forEach(
        (model, byState) ->
            byState.forEach((state, n) -> replicas.add(n, "model", model, "state", state)));
    List<MetricSnapshot> out = new ArrayList<>(1);
    replicas.addTo(out);
    return new MetricSnapshots(out);
  }
}
