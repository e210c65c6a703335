package io.modelfleet.ops.alerts;

import io.modelfleet.ops.alerts.drift.DriftMonitor;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.observe.ReplicaObservers;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntBiFunction;

/**
 * What the alert rules need from the replicas beyond {@code ModelWindows}: each replica's highest
 * pending count since the last round (a queue's limit applies per replica, and a sum over replicas
 * or a reading at one instant would miss a queue that filled between rounds), and the sampled
 * outputs for drift, only for models whose drift is sampled ({@link AlertSettings#samplesDrift}).
 * Costs a replica an atomic max per pending change, and a counter per answered request when drift
 * is sampled.
 */
public final class ReplicaSignals implements ReplicaObservers {

  private record Replica(String model, String version, AtomicInteger current, AtomicInteger peak) {}

  private final AlertSettings settings;
  private final DriftMonitor drift;
  private final ConcurrentHashMap<String, Replica> replicas = new ConcurrentHashMap<>();

  public ReplicaSignals(AlertSettings settings, DriftMonitor drift) {
    this.settings = settings;
    this.drift = drift;
  }

  @Override
  public ReplicaObserver open(String model, String version, String replicaId, String device) {
    Replica r = new Replica(model, version, new AtomicInteger(), new AtomicInteger());
    replicas.put(replicaId, r);
    DriftMonitor.Sampler sampler =
        settings.samplesDrift(model) ? drift.sampler(model, version) : null;
    return new ReplicaObserver() {
      @Override
      public void pending(int count) {
        r.current().set(count);
        r.peak().accumulateAndGet(count, Math::max);
      }

      @Override
      public boolean wantsOutputs() {
        return sampler != null;
      }

      @Override
      public void outputs(List<Tensor> outputs) {
        sampler.outputs(outputs);
      }

      @Override
      public void closed() {
        replicas.remove(replicaId, r);
      }
    };
  }

  /**
   * Per model version served here, the highest pending count of one replica since the previous call
   * (each replica's peak restarts from its current count), with the limit {@code limitOf} gives
   * (model, version → limit, 0 when unknown).
   */
  public List<QueueReading> takeQueuePeaks(ToIntBiFunction<String, String> limitOf) {
    Map<String, Map<String, Integer>> peaks = new TreeMap<>();
    for (Replica r : replicas.values()) {
      int peak = r.peak().getAndSet(r.current().get());
      peaks.computeIfAbsent(r.model(), m -> new TreeMap<>()).merge(r.version(), peak, Math::max);
    }
    List<QueueReading> out = new ArrayList<>();
    peaks.forEach(
        (model, versions) ->
            versions.forEach(
                (version, peak) ->
                    out.add(
                        new QueueReading(
                            model, version, peak, limitOf.applyAsInt(model, version)))));
    return out;
  }

  /** The model names with a replica serving here now. */
  public List<String> servedModels() {
    return replicas.values().stream().map(Replica::model).distinct().sorted().toList();
  }
}
