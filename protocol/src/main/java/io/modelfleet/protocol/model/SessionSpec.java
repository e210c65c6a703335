package io.modelfleet.protocol.model;

/**
 * ONNX Runtime session options of one deployment. Zero or null means the node's default ({@code
 * modelfleet.ort}); the node's default intra-op thread count shares the cores among the replicas on
 * the node instead of letting each take them all.
 *
 * <p>Serialized with Jackson into the journal; {@code concurrentRuns} came later and reads back as
 * 0 from older events, which means 1.
 *
 * @param optimizationLevel none | basic | extended | all
 * @param executionMode sequential | parallel
 * @param concurrentRuns executions that may run at once on each replica's one session (ONNX
 *     Runtime's {@code run} is thread-safe): Triton's instance count without a copy of the weights
 *     per instance; 0 or 1 means one at a time
 */
public record SessionSpec(
    int intraOpThreads,
    int interOpThreads,
    String optimizationLevel,
    String executionMode,
    int concurrentRuns) {

  /**
   * The shipped bound on concurrent runs per replica (each holds an ORT executor thread); the
   * gateway's {@code modelfleet.limits.deployment.max-concurrent-runs} sets the one it enforces.
   */
  public static final int MAX_CONCURRENT_RUNS = 16;

  public static final SessionSpec DEFAULTS = new SessionSpec(0, 0, null, null, 0);

  /** One run at a time. */
  public SessionSpec(
      int intraOpThreads, int interOpThreads, String optimizationLevel, String executionMode) {
    this(intraOpThreads, interOpThreads, optimizationLevel, executionMode, 0);
  }

  /** What {@code concurrentRuns} means: at least one. */
  public int runsAtOnce() {
    return Math.max(1, concurrentRuns);
  }
}
