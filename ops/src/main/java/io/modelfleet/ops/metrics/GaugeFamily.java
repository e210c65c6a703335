package io.modelfleet.ops.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * One gauge family read at scrape time (GPU, CPU, cluster and replica gauges), built from values
 * read once per scrape so that one reading feeds several families. A family without a value is left
 * out of the scrape, as the client leaves out a labelled metric without data points.
 */
final class GaugeFamily {
  private final GaugeSnapshot.Builder builder;
  private boolean empty = true;

  GaugeFamily(String name, String help) {
    this.builder = GaugeSnapshot.builder().name(name).help(help);
  }

  /** Adds a value with {@code labels} (name, value, name, value, ...). */
  GaugeFamily add(double value, String... labels) {
    builder.dataPoint(
        GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .value(value)
            .labels(labels.length == 0 ? Labels.EMPTY : Labels.of(labels))
            .build());
    empty = false;
    return this;
  }

  void addTo(List<MetricSnapshot> out) {
    if (!empty) {
      out.add(builder.build());
    }
  }
}
