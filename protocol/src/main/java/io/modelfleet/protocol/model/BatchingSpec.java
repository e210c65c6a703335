package io.modelfleet.protocol.model;

import java.util.List;

/**
 * Dynamic batching of one deployment, with Triton's knobs and meanings.
 *
 * <ul>
 *   <li>{@code maxBatchSize}: most rows one execution may carry along dimension 0; 0 means the
 *       model is not batched by the server (each request runs as it came).
 *   <li>{@code dynamic}: whether requests queued together are merged into one execution.
 *   <li>{@code preferredBatchSizes}: sizes the batcher fires at as soon as it has them.
 *   <li>{@code maxQueueDelayMicros}: how long the oldest request may wait for others to join.
 *   <li>{@code maxQueueSize}: requests waiting beyond this are refused at once with 503.
 * </ul>
 */
public record BatchingSpec(
    int maxBatchSize,
    boolean dynamic,
    List<Integer> preferredBatchSizes,
    long maxQueueDelayMicros,
    int maxQueueSize) {

  /**
   * Bounded by default: an overloaded replica should say so (503) rather than queue without end.
   */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 1024;

  public static final BatchingSpec NONE =
      new BatchingSpec(0, false, List.of(), 0, DEFAULT_MAX_QUEUE_SIZE);

  public boolean batches() {
    return dynamic && maxBatchSize > 1;
  }
}
