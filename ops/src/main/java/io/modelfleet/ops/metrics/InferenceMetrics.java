package io.modelfleet.ops.metrics;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.observe.ReplicaObservers;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Triton's per-model inference metrics ({@code nv_inference_*}) and ModelFleet's latency and batch
 * histograms, fed by every replica on this node as a {@link ReplicaObservers}.
 *
 * <p>Counted as Triton's core counts them ({@code InferenceStatsAggregator}): a success adds 1 to
 * {@code nv_inference_request_success}, its end-to-end time to {@code
 * nv_inference_request_duration_us}, its queue time to {@code nv_inference_queue_duration_us} and
 * the whole compute phases of the batch it ran in to the {@code compute_*} counters (so a batch of
 * four requests adds its compute time four times, as Triton does); a failure adds 1 to {@code
 * nv_inference_request_failure} with its reason and nothing else; an execution adds 1 to {@code
 * nv_inference_exec_count} and its rows to {@code nv_inference_count}. Durations are whole
 * microseconds, truncated per request as Triton's are. A response cache hit adds 1 to {@code
 * nv_inference_request_success} and {@code nv_cache_num_hits_per_model} and its lookup time to
 * {@code nv_cache_hit_duration_per_model}, and nothing to the inference, execution or compute
 * counters; a miss whose outputs were stored adds 1 to {@code nv_cache_num_misses_per_model} and
 * its lookup and insertion time to {@code nv_cache_miss_duration_per_model}.
 *
 * <p>The series are per model and version on this node, not per replica: a replica that closes
 * leaves its counts, and the next replica of the version adds to them. Label values come only from
 * replicas opened here, so only models that exist get series. Each replica's observer holds its
 * version's data points, so a request costs a few adder increments and no lookup.
 */
public final class InferenceMetrics implements ReplicaObservers {

  /** Triton's counters, whose exposed names must not get the {@code _total} suffix. */
  static final List<String> TRITON_COUNTERS =
      List.of(
          "nv_inference_request_success",
          "nv_inference_request_failure",
          "nv_inference_count",
          "nv_inference_exec_count",
          "nv_inference_request_duration_us",
          "nv_inference_queue_duration_us",
          "nv_inference_compute_input_duration_us",
          "nv_inference_compute_infer_duration_us",
          "nv_inference_compute_output_duration_us",
          "nv_cache_num_hits_per_model",
          "nv_cache_num_misses_per_model",
          "nv_cache_hit_duration_per_model",
          "nv_cache_miss_duration_per_model");

  private record Key(String model, String version) {}

  /** The data points of one model version. */
  private static final class Cells {
    final CounterDataPoint success;
    final CounterDataPoint[] failure = new CounterDataPoint[FailureReason.values().length];
    final CounterDataPoint count;
    final CounterDataPoint exec;
    final CounterDataPoint requestUs;
    final CounterDataPoint queueUs;
    final CounterDataPoint inputUs;
    final CounterDataPoint inferUs;
    final CounterDataPoint outputUs;
    final CounterDataPoint cacheHits;
    final CounterDataPoint cacheMisses;
    final CounterDataPoint cacheHitUs;
    final CounterDataPoint cacheMissUs;
    final GaugeDataPoint pending;
    final DistributionDataPoint requestSeconds;
    final DistributionDataPoint queueSeconds;
    final DistributionDataPoint batchRows;

    Cells(InferenceMetrics m, String model, String version) {
      success = m.success.labelValues(model, version);
      for (FailureReason r : FailureReason.values()) {
        failure[r.ordinal()] = m.failure.labelValues(model, version, r.name());
      }
      count = m.count.labelValues(model, version);
      exec = m.exec.labelValues(model, version);
      requestUs = m.requestUs.labelValues(model, version);
      queueUs = m.queueUs.labelValues(model, version);
      inputUs = m.inputUs.labelValues(model, version);
      inferUs = m.inferUs.labelValues(model, version);
      outputUs = m.outputUs.labelValues(model, version);
      cacheHits = m.cacheHits.labelValues(model, version);
      cacheMisses = m.cacheMisses.labelValues(model, version);
      cacheHitUs = m.cacheHitUs.labelValues(model, version);
      cacheMissUs = m.cacheMissUs.labelValues(model, version);
      pending = m.pending.labelValues(model, version);
      requestSeconds = m.requestSeconds.labelValues(model, version);
      queueSeconds = m.queueSeconds.labelValues(model, version);
      batchRows = m.batchRows.labelValues(model, version);
    }
  }

  private final Counter success;
  private final Counter failure;
  private final Counter count;
  private final Counter exec;
  private final Counter requestUs;
  private final Counter queueUs;
  private final Counter inputUs;
  private final Counter inferUs;
  private final Counter outputUs;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter cacheHitUs;
  private final Counter cacheMissUs;
  private final Gauge pending;
  private final Histogram requestSeconds;
  private final Histogram queueSeconds;
  private final Histogram batchRows;
  private final ConcurrentHashMap<Key, Cells> cells = new ConcurrentHashMap<>();

  /**
   * @param triton where Triton's families go (exposed without the {@code _total} suffix)
   * @param fleet where ModelFleet's histograms go
   */
  public InferenceMetrics(
      PrometheusRegistry triton, PrometheusRegistry fleet, MetricsSettings settings) {
    success =
        counter(
            triton,
            "nv_inference_request_success",
            "Number of successful inference requests, all batch sizes");
    failure =
        Counter.builder()
            .name("nv_inference_request_failure")
            .help("Number of failed inference requests, all batch sizes")
            .labelNames("model", "version", "reason")
            .withoutExemplars()
            .register(triton);
    count =
        counter(
            triton,
            "nv_inference_count",
            "Number of inferences performed (does not include cached requests)");
    exec =
        counter(
            triton,
            "nv_inference_exec_count",
            "Number of model executions performed (does not include cached requests)");
    requestUs =
        counter(
            triton,
            "nv_inference_request_duration_us",
            "Cumulative inference request duration in microseconds (includes cached requests)");
    queueUs =
        counter(
            triton,
            "nv_inference_queue_duration_us",
            "Cumulative inference queuing duration in microseconds (includes cached requests)");
    inputUs =
        counter(
            triton,
            "nv_inference_compute_input_duration_us",
            "Cumulative compute input duration in microseconds (does not include cached requests)");
    inferUs =
        counter(
            triton,
            "nv_inference_compute_infer_duration_us",
            "Cumulative compute inference duration in microseconds (does not include cached"
                + " requests)");
    outputUs =
        counter(
            triton,
            "nv_inference_compute_output_duration_us",
            "Cumulative inference compute output duration in microseconds (does not include cached"
                + " requests)");
    cacheHits = counter(triton, "nv_cache_num_hits_per_model", "Number of cache hits per model");
    cacheMisses =
        counter(triton, "nv_cache_num_misses_per_model", "Number of cache misses per model");
    cacheHitUs =
        counter(
            triton,
            "nv_cache_hit_duration_per_model",
            "Total cache hit duration per model, in microseconds");
    cacheMissUs =
        counter(
            triton,
            "nv_cache_miss_duration_per_model",
            "Total cache miss (insert+lookup) duration per model, in microseconds");
    pending =
        Gauge.builder()
            .name("nv_inference_pending_request_count")
            .help("Instantaneous number of pending requests awaiting execution per-model.")
            .labelNames("model", "version")
            .withoutExemplars()
            .register(triton);
    double[] latency = MetricsSettings.array(settings.latencyBuckets());
    requestSeconds =
        histogram(
            fleet,
            "modelfleet_inference_request_duration_seconds",
            "Time from a request's arrival at the replica to its answer, successful requests only",
            latency);
    queueSeconds =
        histogram(
            fleet,
            "modelfleet_inference_queue_duration_seconds",
            "Time a request waited in its replica's queue before it ran",
            latency);
    batchRows =
        histogram(
            fleet,
            "modelfleet_inference_batch_size",
            "Rows per execution (a dynamic batch counts the rows of all its requests)",
            MetricsSettings.array(settings.batchSizeBuckets()));
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames("model", "version")
        .withoutExemplars()
        .register(registry);
  }

  private static Histogram histogram(
      PrometheusRegistry registry, String name, String help, double[] bounds) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames("model", "version")
        .classicOnly()
        .classicUpperBounds(bounds)
        .withoutExemplars()
        .register(registry);
  }

  @Override
  public ReplicaObserver open(String model, String version, String replicaId, String device) {
    return new Observer(
        cells.computeIfAbsent(new Key(model, version), k -> new Cells(this, model, version)));
  }

  /**
   * One replica's reports. Every call but {@code outputs} (not observed) comes from the replica's
   * actor, so the fields need no synchronisation; the data points are shared with the other
   * replicas of the version and are thread-safe.
   */
  private static final class Observer implements ReplicaObserver {
    private final Cells c;

    /** This replica's share of the version's pending gauge. */
    private int waiting;

    /**
     * Queue time of the batch now running: counted when it succeeds, as Triton counts queue time of
     * successful requests only. A batch's {@code queued} calls come in one run, so the first of a
     * run starts a new batch (dropping the time of a batch that failed).
     */
    private long batchQueueNs;

    private boolean inQueuedRun;

    Observer(Cells c) {
      this.c = c;
    }

    @Override
    public void waiting(int count) {
      inQueuedRun = false;
      if (count != waiting) {
        c.pending.inc(count - waiting);
        waiting = count;
      }
    }

    @Override
    public void pending(int count) {
      inQueuedRun = false;
    }

    @Override
    public void queued(long waitedNs) {
      if (!inQueuedRun) {
        batchQueueNs = 0;
        inQueuedRun = true;
      }
      batchQueueNs += waitedNs;
      c.queueSeconds.observe(waitedNs / 1e9);
    }

    @Override
    public void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
      inQueuedRun = false;
      c.exec.inc();
      c.count.inc(rows);
      c.inputUs.inc(inputNs * requests / 1000);
      c.inferUs.inc(inferNs * requests / 1000);
      c.outputUs.inc(outputNs * requests / 1000);
      c.queueUs.inc(batchQueueNs / 1000);
      batchQueueNs = 0;
      c.batchRows.observe(rows);
    }

    @Override
    public void succeeded(long totalNs) {
      inQueuedRun = false;
      c.success.inc();
      c.requestUs.inc(totalNs / 1000);
      c.requestSeconds.observe(totalNs / 1e9);
    }

    @Override
    public void cacheHit(long lookupNs) {
      inQueuedRun = false;
      c.cacheHits.inc();
      c.cacheHitUs.inc(lookupNs / 1000);
    }

    @Override
    public void cacheMiss(long ns) {
      inQueuedRun = false;
      c.cacheMisses.inc();
      c.cacheMissUs.inc(ns / 1000);
    }

    @Override
    public void failed(FailureReason reason, long totalNs) {
      inQueuedRun = false;
      c.failure[reason.ordinal()].inc();
    }

    @Override
    public void closed() {
      if (waiting != 0) {
        c.pending.inc(-waiting);
        waiting = 0;
      }
    }
  }
}
