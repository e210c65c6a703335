package io.modelfleet.ops.metrics;

import io.modelfleet.protocol.load.ShadowLoad;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shadow traffic of this node's gateway, read at scrape time: {@code
 * modelfleet_shadow_requests_total{model, baseline, candidate, result}} (result: mirrored,
 * compared, failed, mismatched; from the node's {@code ShadowCounters}) and {@code
 * modelfleet_shadow_skipped_total{reason}} (copies not sent: in_flight, memory).
 */
public final class ShadowMetrics implements MultiCollector {

  private final Supplier<List<ShadowLoad>> loads;
  private final Supplier<Map<String, Long>> skipped;

  /** {@code loads}: every model's shadow counters; {@code skipped}: skipped copies by reason. */
  public ShadowMetrics(Supplier<List<ShadowLoad>> loads, Supplier<Map<String, Long>> skipped) {
    this.loads = loads;
    this.skipped = skipped;
  }

  @Override
  public MetricSnapshots collect() {
    CounterSnapshot.Builder requests =
        CounterSnapshot.builder()
            .name("modelfleet_shadow_requests")
            .help(
                "Copies of requests sent to shadow versions by this node's gateway, by model,"
                    + " baseline, candidate and result (mirrored, compared, failed, mismatched)");
    for (ShadowLoad s : loads.get()) {
      point(requests, s, "mirrored", s.mirrored());
      point(requests, s, "compared", s.compared());
      point(requests, s, "failed", s.failed());
      point(requests, s, "mismatched", s.mismatched());
    }
    CounterSnapshot.Builder skips =
        CounterSnapshot.builder()
            .name("modelfleet_shadow_skipped")
            .help(
                "Copies for shadow versions this node's gateway did not send, by reason (in_flight:"
                    + " modelfleet.gateway.shadow.max-in-flight reached; memory: the request"
                    + " memory budget had no room to spare)");
    skipped
        .get()
        .forEach(
            (reason, n) ->
                skips.dataPoint(
                    CounterDataPointSnapshot.builder()
                        .value(n)
                        .labels(Labels.of("reason", reason))
                        .build()));
    return MetricSnapshots.of(requests.build(), skips.build());
  }

  private static void point(CounterSnapshot.Builder b, ShadowLoad s, String result, long n) {
    b.dataPoint(
        CounterDataPointSnapshot.builder()
            .value(n)
            .labels(
                Labels.of(
                    "model",
                    s.model(),
                    "baseline",
                    s.baseline(),
                    "candidate",
                    s.candidate(),
                    "result",
                    result))
            .build());
  }
}
