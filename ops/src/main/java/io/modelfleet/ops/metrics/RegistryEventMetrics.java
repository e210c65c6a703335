package io.modelfleet.ops.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code modelfleet_registry_events_total} (by event): events the model registry persisted, counted
 * by the deployment controller from the journal's event stream it already reads. So each event is
 * counted once in the cluster, on the controller's node, from the time that controller started
 * (events replayed from before are not counted; those persisted while no controller ran, during a
 * hand-over, are missed). Sum over the nodes for the cluster's total.
 */
public final class RegistryEventMetrics {
  private final Counter events;

  public RegistryEventMetrics(PrometheusRegistry registry) {
    events =
        Counter.builder()
            .name("modelfleet_registry_events_total")
            .help(
                "Model registry events persisted (version_registered, deployment_set,"
                    + " deployment_removed, deployment_scaled, replica_placed, alias_set,"
                    + " alias_removed, validation_set, rollout_started, rollout_step_started,"
                    + " rollout_promoted, rollout_rolled_back, rollout_aborted, rollout_changed),"
                    + " counted by the deployment controller")
            .labelNames("event")
            .withoutExemplars()
            .register(registry);
  }

  /** One event; {@code event} is one of a few fixed names. */
  public void persisted(String event) {
    events.labelValues(event).inc();
  }
}
