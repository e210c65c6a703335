package io.modelfleet.node.replica;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.protocol.replica.BatchStat;
import io.modelfleet.protocol.replica.ReplicaStats;
import io.modelfleet.protocol.replica.StatCounter;
import java.util.List;
import java.util.TreeMap;

/**
 * A replica's running statistics (Triton's terms). Owned by the replica actor and only touched from
 * it, so plain fields suffice. Compute phases are attributed to each request of a batch, as Triton
 * does, so the sums over requests and the batch-level figures can both be read. Every count is also
 * handed to the node's {@link ReplicaObserver} (metrics, JMX, alerts) while the replica serves.
 */
final class StatsRecorder {
  private final String model;
  private final String version;
  private long lastInferenceMillis;
  private long inferenceCount;
  private long executionCount;
  private StatCounter success = StatCounter.ZERO;
  private StatCounter fail = StatCounter.ZERO;
  private StatCounter queue = StatCounter.ZERO;
  private StatCounter computeInput = StatCounter.ZERO;
  private StatCounter computeInfer = StatCounter.ZERO;
  private StatCounter computeOutput = StatCounter.ZERO;
  private StatCounter timeout = StatCounter.ZERO;
  private StatCounter cacheHit = StatCounter.ZERO;
  private StatCounter cacheMiss = StatCounter.ZERO;
  private final TreeMap<Integer, BatchStat> batches = new TreeMap<>();
  private ReplicaObserver observer = ReplicaObserver.NONE;

  StatsRecorder(String model, String version) {
    this.model = model;
    this.version = version;
  }

  /** Reports to {@code next} from now on; the previous observer is closed. */
  void observe(ReplicaObserver next) {
    observer.closed();
    observer = next;
  }

  ReplicaObserver observer() {
    return observer;
  }

  /**
   * Requests accepted and not yet answered ({@code count}), and of those the ones not yet executing
   * ({@code waiting}), after a change.
   */
  void pending(int count, int waiting) {
    observer.pending(count);
    observer.waiting(waiting);
  }

  /** One execution of {@code rows} rows made of {@code requests} requests. */
  void execution(int requests, int rows, long inputNs, long inferNs, long outputNs) {
    observer.executed(requests, rows, inputNs, inferNs, outputNs);
    executionCount++;
    inferenceCount += rows;
    lastInferenceMillis = System.currentTimeMillis();
    computeInput = computeInput.plus(requests, inputNs * requests);
    computeInfer = computeInfer.plus(requests, inferNs * requests);
    computeOutput = computeOutput.plus(requests, outputNs * requests);
    BatchStat b =
        new BatchStat(
            rows,
            new StatCounter(1, inputNs),
            new StatCounter(1, inferNs),
            new StatCounter(1, outputNs));
    batches.merge(rows, b, BatchStat::plus);
  }

  void queued(long ns) {
    queue = queue.plus(1, ns);
    observer.queued(ns);
  }

  /**
   * A computed request answered with outputs; {@code miss} is its response cache miss, counted with
   * its lookup and insertion time (null when its deployment does not cache).
   */
  void succeeded(long totalNs, ResponseCaching.Miss miss) {
    success = success.plus(1, totalNs);
    observer.succeeded(totalNs);
    if (miss != null && miss.stored()) {
      cacheMiss = cacheMiss.plus(1, miss.nanos());
      observer.cacheMiss(miss.nanos());
    }
  }

  /**
   * Answered from the response cache {@code totalNs} after arrival, {@code lookupNs} after the
   * lookup began: a success that was never queued, executed or counted as an inference (Triton).
   */
  void cacheHit(long lookupNs, long totalNs) {
    cacheHit = cacheHit.plus(1, lookupNs);
    success = success.plus(1, totalNs);
    observer.cacheHit(lookupNs);
    observer.succeeded(totalNs);
  }

  void failed(FailureReason reason, long totalNs) {
    fail = fail.plus(1, totalNs);
    observer.failed(reason, totalNs);
  }

  /** Dropped from the queue at its deadline: a failure that was never computed. */
  void timedOut(long waitedNs) {
    timeout = timeout.plus(1, waitedNs);
    failed(FailureReason.REJECTED, waitedNs);
  }

  ReplicaStats snapshot() {
    return new ReplicaStats(
        model,
        version,
        lastInferenceMillis,
        inferenceCount,
        executionCount,
        success,
        fail,
        queue,
        computeInput,
        computeInfer,
        computeOutput,
        timeout,
        List.copyOf(batches.values()),
        cacheHit,
        cacheMiss);
  }
}
