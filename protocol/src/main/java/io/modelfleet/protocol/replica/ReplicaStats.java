package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Statistics of one replica since it started, in Triton's terms: {@code inferenceCount} counts rows
 * (each inference in a batch), {@code executionCount} counts model executions (batches). {@code
 * success} and {@code fail} time whole requests from arrival at the replica to reply; {@code queue}
 * is the wait before execution; the compute phases are per request. {@code timeout} counts requests
 * dropped from the queue because their deadline passed before their batch ran (they are in {@code
 * fail} too, and were never computed).
 */
public record ReplicaStats(
    String model,
    String version,
    long lastInferenceMillis,
    long inferenceCount,
    long executionCount,
    StatCounter success,
    StatCounter fail,
    StatCounter queue,
    StatCounter computeInput,
    StatCounter computeInfer,
    StatCounter computeOutput,
    StatCounter timeout,
    List<BatchStat> batchStats)
    implements FleetSerializable {

  public static ReplicaStats empty(String model, String version) {
    StatCounter z = StatCounter.ZERO;
    return new ReplicaStats(model, version, 0, 0, 0, z, z, z, z, z, z, z, List.of());
  }

  /** Sum of two replicas' statistics (same model and version): how a version's stats are shown. */
  public ReplicaStats plus(ReplicaStats o) {
    Map<Integer, BatchStat> batches = new TreeMap<>();
    for (BatchStat b : batchStats) {
      batches.merge(b.batchSize(), b, BatchStat::plus);
    }
    for (BatchStat b : o.batchStats) {
      batches.merge(b.batchSize(), b, BatchStat::plus);
    }
    return new ReplicaStats(
        model,
        version,
        Math.max(lastInferenceMillis, o.lastInferenceMillis),
        inferenceCount + o.inferenceCount,
        executionCount + o.executionCount,
        success.plus(o.success),
        fail.plus(o.fail),
        queue.plus(o.queue),
        computeInput.plus(o.computeInput),
        computeInfer.plus(o.computeInfer),
        computeOutput.plus(o.computeOutput),
        timeout.plus(o.timeout),
        List.copyOf(batches.values()));
  }
}
