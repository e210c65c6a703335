package io.modelfleet.ops.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the deployment controller did, counted on the node it runs on: {@code
 * modelfleet_placement_decisions_total} (by action), {@code modelfleet_placement_moves_total}
 * (make-before-break moves begun), {@code modelfleet_failovers_total} (replicas of a removed member
 * restarted elsewhere) and {@code modelfleet_placement_pending_replicas} (replicas that fit
 * nowhere, by model). The controller is a cluster singleton, so these are non-zero on one node at a
 * time; sum them over the cluster. Called from the controller's thread only.
 */
public final class PlacementMetrics {
  private final Counter decisions;
  private final Counter moves;
  private final Counter failovers;
  private final Gauge pending;
  private Set<String> pendingModels = Set.of();

  public PlacementMetrics(PrometheusRegistry registry) {
    decisions =
        Counter.builder()
            .name("modelfleet_placement_decisions_total")
            .help(
                "Actions the deployment controller carried out, by action (start keeps a placed"
                    + " replica alive, place_and_start places a new one, retire stops one)")
            .labelNames("action")
            .withoutExemplars()
            .register(registry);
    moves =
        Counter.builder()
            .name("modelfleet_placement_moves_total")
            .help("Make-before-break replica moves the deployment controller began")
            .withoutExemplars()
            .register(registry);
    failovers =
        Counter.builder()
            .name("modelfleet_failovers_total")
            .help("Replicas of a removed member that the deployment controller restarted elsewhere")
            .withoutExemplars()
            .register(registry);
    pending =
        Gauge.builder()
            .name("modelfleet_placement_pending_replicas")
            .help(
                "Replicas that fit on no worker (PENDING), by model, as the deployment controller"
                    + " last saw them")
            .labelNames("model")
            .withoutExemplars()
            .register(registry);
  }

  /** One action carried out; {@code action} is one of a few fixed names. */
  public void decided(String action) {
    decisions.labelValues(action).inc();
  }

  public void moved() {
    moves.inc();
  }

  public void failedOver() {
    failovers.inc();
  }

  /** The PENDING replicas by model now; models left out go from the gauge. */
  public synchronized void pending(Map<String, Integer> byModel) {
    for (String gone : pendingModels) {
      if (!byModel.containsKey(gone)) {
        pending.remove(gone);
      }
    }
    byModel.forEach((model, n) -> pending.labelValues(model).set(n));
    pendingModels = new HashSet<>(byModel.keySet());
  }
}
