package io.modelfleet.ops.metrics;

import io.modelfleet.ops.Ops;
import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.protocol.alerts.AlertInfo;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code modelfleet_alerts_firing{alertname, severity}}: the built-in alerts this node evaluates
 * that fire now, read at scrape time from the node's {@link AlertBoard} (absent when alerts are
 * off). Per node, like every metric here: the cluster-wide rules count on the leader only, so a sum
 * over the nodes counts each alert once.
 */
final class AlertMetrics implements MultiCollector {
  private final ActorSystem<?> system;

  AlertMetrics(ActorSystem<?> system) {
    this.system = system;
  }

  @Override
  public MetricSnapshots collect() {
    List<AlertInfo> local =
        Ops.get(system).find(AlertBoard.class).map(AlertBoard::local).orElse(List.of());
    return snapshots(local);
  }

  static MetricSnapshots snapshots(List<AlertInfo> alerts) {
    Map<String, Integer> counts = new TreeMap<>();
    for (AlertInfo a : alerts) {
      if (a.state().equals("firing")) {
        counts.merge(a.name() + '\n' + a.severity(), 1, Integer::sum);
      }
    }
    GaugeFamily firing =
        new GaugeFamily(
            "modelfleet_alerts_firing",
            "Built-in alerts firing now that this node evaluates, by name and severity");
    counts.forEach(
        (k, n) -> {
          int cut = k.indexOf('\n');
          firing.add(n, "alertname", k.substring(0, cut), "severity", k.substring(cut + 1));
        });
    List<MetricSnapshot> out = new ArrayList<>(1);
    firing.addTo(out);
    return new MetricSnapshots(out);
  }
}
