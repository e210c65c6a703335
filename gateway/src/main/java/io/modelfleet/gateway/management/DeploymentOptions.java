package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The optional parts of a deployment, named as in Triton's model configuration so that an operator
 * who knows Triton can read them: {@code max_batch_size}, {@code dynamic_batching {
 * preferred_batch_size, max_queue_delay_microseconds, max_queue_size }}, plus ONNX Runtime session
 * options under {@code ort}. Every number and list is bounded by {@link DeploymentLimits}.
 */
public final class DeploymentOptions {
  private static final Set<String> BATCHING_FIELDS =
      Set.of("preferred_batch_size", "max_queue_delay_microseconds", "max_queue_size");
  private static final Set<String> ORT_FIELDS =
      Set.of(
          "intra_op_threads",
          "inter_op_threads",
          "graph_optimization_level",
          "execution_mode",
          "concurrent_runs");

  private static final Set<String> CACHE_FIELDS = Set.of("enable");

  private DeploymentOptions() {}

  /**
   * Triton's {@code response_cache: {"enable": true}}: off when absent; {@code name} is how the
   * field is named in errors ("response_cache", "config response_cache"). Shared with the Triton
   * config of a repository load.
   */
  public static ResponseCacheSpec responseCache(String name, JsonNode n) {
    if (n == null || n.isNull()) {
      return ResponseCacheSpec.OFF;
    }
    object(name, n, CACHE_FIELDS);
    JsonNode enable = n.get("enable");
    if (enable == null || enable.isNull()) {
      return ResponseCacheSpec.OFF;
    }
    if (!enable.isBoolean()) {
      throw ApiException.badRequest(
          "'" + name + ".enable' must be true or false, got " + Json.kind(enable));
    }
    return ResponseCacheSpec.of(enable.booleanValue());
  }

  static BatchingSpec batching(JsonNode maxBatchSize, JsonNode dynamic, DeploymentLimits limits) {
    int max = maxBatchSize(maxBatchSize, limits);
    if (dynamic == null || dynamic.isNull()) {
      return new BatchingSpec(max, false, List.of(), 0, BatchingSpec.DEFAULT_MAX_QUEUE_SIZE);
    }
    object("dynamic_batching", dynamic, BATCHING_FIELDS);
    if (max < 2) {
      throw ApiException.badRequest(
          "'dynamic_batching' needs 'max_batch_size' of at least 2, got " + max);
    }
    List<Integer> preferred = new ArrayList<>();
    JsonNode p = dynamic.get("preferred_batch_size");
    if (p != null && !p.isNull()) {
      if (!p.isArray()) {
        throw ApiException.badRequest(
            "'dynamic_batching.preferred_batch_size' must be an array of integers, got "
                + Json.kind(p));
      }
      if (p.size() > limits.maxPreferredBatchSizes()) {
        throw ApiException.badRequest(
            "'dynamic_batching.preferred_batch_size' has "
                + p.size()
                + " entries; at most "
                + limits.maxPreferredBatchSizes()
                + " are allowed (modelfleet.limits.deployment.max-preferred-batch-sizes)");
      }
      for (JsonNode n : p) {
        preferred.add(integer("dynamic_batching.preferred_batch_size", n, 1, max));
      }
    }
    JsonNode delay = dynamic.get("max_queue_delay_microseconds");
    long delayMicros =
        delay == null || delay.isNull()
            ? 0
            : integer(
                "dynamic_batching.max_queue_delay_microseconds",
                delay,
                0,
                limits.maxQueueDelayMicros());
    JsonNode queue = dynamic.get("max_queue_size");
    int queueSize =
        queue == null || queue.isNull()
            ? Math.min(BatchingSpec.DEFAULT_MAX_QUEUE_SIZE, limits.maxQueueSize())
            : integer("dynamic_batching.max_queue_size", queue, 1, limits.maxQueueSize());
    return new BatchingSpec(max, true, List.copyOf(preferred), delayMicros, queueSize);
  }

  /** {@code max_batch_size}, 0 when absent; shared with the Triton config of a repository load. */
  public static int maxBatchSize(JsonNode n, DeploymentLimits limits) {
    return n == null || n.isNull() ? 0 : integer("max_batch_size", n, 0, limits.maxBatchSize());
  }

  /**
   * Threads are bounded by {@code modelfleet.limits.max-ort-threads} (the gateway's processors by
   * default): more threads than cores only adds contention, and 1024 of them once took a JVM from
   * 71 to 2,117 threads.
   */
  static SessionSpec session(JsonNode ort, DeploymentLimits limits) {
    if (ort == null || ort.isNull()) {
      return SessionSpec.DEFAULTS;
    }
    object("ort", ort, ORT_FIELDS);
    int intra = threads("ort.intra_op_threads", ort.get("intra_op_threads"), limits);
    int inter = threads("ort.inter_op_threads", ort.get("inter_op_threads"), limits);
    String level =
        choice(
            "ort.graph_optimization_level",
            ort.get("graph_optimization_level"),
            Set.of("none", "basic", "extended", "all"));
    String mode =
        choice("ort.execution_mode", ort.get("execution_mode"), Set.of("sequential", "parallel"));
    JsonNode runs = ort.get("concurrent_runs");
    int concurrent =
        runs == null || runs.isNull()
            ? 0
            : integer("ort.concurrent_runs", runs, 1, limits.maxConcurrentRuns());
    return new SessionSpec(intra, inter, level, mode, concurrent);
  }

  private static void object(String name, JsonNode n, Set<String> fields) {
    if (!n.isObject()) {
      throw ApiException.badRequest("'" + name + "' must be a JSON object, got " + Json.kind(n));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw ApiException.badRequest(
            "unknown field '"
                + name
                + "."
                + f
                + "'; expected one of "
                + fields.stream().sorted().toList());
      }
    }
  }

  private static int threads(String name, JsonNode n, DeploymentLimits limits) {
    if (n == null || n.isNull()) {
      return 0;
    }
    if (n.isIntegralNumber() && n.canConvertToLong() && n.longValue() > limits.maxOrtThreads()) {
      throw ApiException.badRequest(
          "'"
              + name
              + "' must be at most "
              + limits.maxOrtThreads()
              + " (modelfleet.limits.max-ort-threads, the node's cores by default), got "
              + n);
    }
    return integer(name, n, 0, limits.maxOrtThreads());
  }

  /** An integer in [min, max], else 400 naming the field and both bounds. */
  static int integer(String name, JsonNode n, int min, long max) {
    if (!n.isIntegralNumber()
        || !n.canConvertToLong()
        || n.longValue() < min
        || n.longValue() > max) {
      throw ApiException.badRequest(
          "'"
              + name
              + "' must be an integer from "
              + min
              + " to "
              + max
              + ", got "
              + (n.isNumber() || n.isTextual() ? n.toString() : Json.kind(n)));
    }
    return (int) n.longValue();
  }

  private static String choice(String name, JsonNode n, Set<String> allowed) {
    if (n == null || n.isNull()) {
      return null;
    }
    String v = n.isTextual() ? n.textValue().toLowerCase(Locale.ROOT) : null;
    if (v == null || !allowed.contains(v)) {
      throw ApiException.badRequest(
          "'" + name + "' must be one of " + allowed.stream().sorted().toList() + ", got " + n);
    }
    return v;
  }
}
