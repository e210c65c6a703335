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
 *
 * <p>{@code cacheHit} and {@code cacheMiss} are Triton's response cache statistics: a hit is a
 * request answered from the node's response cache (counted in {@code success}, never in {@code
 * inferenceCount}, {@code executionCount}, {@code queue} or the compute phases), with the time to
 * look it up and answer; a miss is a computed request whose outputs were then stored, with the time
 * to look it up and store them. Both stay zero for a deployment without the cache. Absent (null) in
 * statistics from a node that predates them, and read as zero.
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
    List<BatchStat> batchStats,
    StatCounter cacheHit,
    StatCounter cacheMiss)
    implements FleetSerializable {

  public ReplicaStats {
    cacheHit = cacheHit == null ? StatCounter.ZERO : cacheHit;
    cacheMiss = cacheMiss == null ? StatCounter.ZERO : cacheMiss;
  }

  public static ReplicaStats empty(String model, String version) {
    StatCounter z = StatCounter.ZERO;
    return new ReplicaStats(model, version, 0, 0, 0, z, z, z, z, z, z, z, List.of(), z, z);
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
        List.copyOf(batches.values()),
        cacheHit.plus(o.cacheHit),
        cacheMiss.plus(o.cacheMiss));
  }
}
