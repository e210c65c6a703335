package io.modelfleet.gateway.management;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.SessionSpec;

/**
 * Upper bounds on what one deployment may ask for, from {@code modelfleet.limits} (see this
 * module's reference.conf for each key's meaning and default). A deployment past any of them is
 * refused with 400 naming the field and the bound, before anything is written to the registry: a
 * typo of 1024 threads or a list of two million batch sizes must not reach a replica or the
 * journal.
 *
 * @param maxOrtThreads most ONNX Runtime intra-op and inter-op threads per session
 * @param maxBatchSize most rows in one execution ({@code max_batch_size})
 * @param maxPreferredBatchSizes most entries in {@code dynamic_batching.preferred_batch_size}
 * @param maxQueueDelayMicros most {@code dynamic_batching.max_queue_delay_microseconds}
 * @param maxQueueSize most {@code dynamic_batching.max_queue_size}
 * @param maxWarmupSamples most entries in {@code model_warmup}
 * @param maxWarmupCount most {@code count} (executions) of one warm-up sample
 * @param maxWarmupInputs most inputs of one warm-up sample
 * @param maxWarmupTensorBytes most bytes of one sample's tensors, batch included, as the replica
 *     builds them
 * @param maxWarmupDataBytes most bytes of inline {@code input_data} in one deployment (it is
 *     journalled)
 */
public record DeploymentLimits(
    int maxOrtThreads,
    int maxBatchSize,
    int maxPreferredBatchSizes,
    long maxQueueDelayMicros,
    int maxQueueSize,
    int maxWarmupSamples,
    int maxWarmupCount,
    int maxWarmupInputs,
    long maxWarmupTensorBytes,
    long maxWarmupDataBytes,
    int maxConcurrentRuns) {

  /** The shipped defaults (reference.conf), threads bounded by this JVM's processors. */
  public static final DeploymentLimits DEFAULTS = fromConfig(ConfigFactory.defaultReference());

  public DeploymentLimits {
    positive("max-ort-threads", maxOrtThreads);
    positive("deployment.max-batch-size", maxBatchSize);
    positive("deployment.max-preferred-batch-sizes", maxPreferredBatchSizes);
    positive("deployment.max-queue-delay", maxQueueDelayMicros);
    positive("deployment.max-queue-size", maxQueueSize);
    positive("deployment.max-warmup-samples", maxWarmupSamples);
    positive("deployment.max-warmup-count", maxWarmupCount);
    positive("deployment.max-warmup-inputs", maxWarmupInputs);
    positive("deployment.max-warmup-tensor-bytes", maxWarmupTensorBytes);
    positive("deployment.max-warmup-data-bytes", maxWarmupDataBytes);
    positive("deployment.max-concurrent-runs", maxConcurrentRuns);
  }

  /** With the shipped bound on concurrent runs. */
  public DeploymentLimits(
      int maxOrtThreads,
      int maxBatchSize,
      int maxPreferredBatchSizes,
      long maxQueueDelayMicros,
      int maxQueueSize,
      int maxWarmupSamples,
      int maxWarmupCount,
      int maxWarmupInputs,
      long maxWarmupTensorBytes,
      long maxWarmupDataBytes) {
    this(
        maxOrtThreads,
        maxBatchSize,
        maxPreferredBatchSizes,
        maxQueueDelayMicros,
        maxQueueSize,
        maxWarmupSamples,
        maxWarmupCount,
        maxWarmupInputs,
        maxWarmupTensorBytes,
        maxWarmupDataBytes,
        SessionSpec.MAX_CONCURRENT_RUNS);
  }

  /** Reads {@code modelfleet.limits} from the whole configuration. */
  public static DeploymentLimits fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.limits");
    Config d = c.getConfig("deployment");
    return new DeploymentLimits(
        ortThreads(c.getInt("max-ort-threads")),
        d.getInt("max-batch-size"),
        d.getInt("max-preferred-batch-sizes"),
        d.getDuration("max-queue-delay").toNanos() / 1000,
        d.getInt("max-queue-size"),
        d.getInt("max-warmup-samples"),
        d.getInt("max-warmup-count"),
        d.getInt("max-warmup-inputs"),
        d.getBytes("max-warmup-tensor-bytes"),
        d.getBytes("max-warmup-data-bytes"),
        d.getInt("max-concurrent-runs"));
  }

  /** {@code max-ort-threads}: 0 means the processors this JVM may use. */
  public static int ortThreads(int configured) {
    if (configured < 0) {
      throw new IllegalArgumentException(
          "modelfleet.limits.max-ort-threads must be 0 (the node's processors) or positive, got "
              + configured);
    }
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "modelfleet.limits." + key + " must be positive, got " + value);
    }
  }
}
