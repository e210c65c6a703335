package io.modelfleet.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.management.DeploymentOptions;
import io.modelfleet.gateway.management.WarmupJson;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.WarmupSample;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The part of a Triton model configuration (the JSON form of config.pbtxt) that ModelFleet acts on:
 * {@code instance_group}, which says how many instances to run and on which kind of device, and
 * {@code model_warmup}, the requests each replica must pass before it is READY (see {@link
 * WarmupJson}; {@code max_batch_size} is read only to place their batch dimension, as Triton does),
 * and {@code response_cache { enable: true }}, whether repeated requests are answered from the
 * node's response cache. Everything else (inputs, outputs, batching) is read from the ONNX file or
 * not yet supported, and is ignored rather than refused so that configs written for Triton load
 * unchanged.
 *
 * <pre>
 * instance_group entry                 replicas            device
 * (no instance_group, or empty)        1                   AUTO
 * {"count": n}                         n                   AUTO
 * {"kind": "KIND_GPU", "gpus": [0,1]}  count x len(gpus)   GPU
 * {"kind": "KIND_CPU"}                 count (default 1)   CPU
 * </pre>
 *
 * Several groups add up; they must not ask for both CPU and GPU, because one deployment runs on one
 * kind of device.
 */
public record TritonConfig(
    int replicas, DeviceKind device, List<WarmupSample> warmup, ResponseCacheSpec responseCache) {

  public static final TritonConfig DEFAULT = new TritonConfig(1, DeviceKind.AUTO);

  public TritonConfig {
    warmup = warmup == null ? List.of() : List.copyOf(warmup);
    responseCache = responseCache == null ? ResponseCacheSpec.OFF : responseCache;
  }

  public TritonConfig(int replicas, DeviceKind device, List<WarmupSample> warmup) {
    this(replicas, device, warmup, ResponseCacheSpec.OFF);
  }

  public TritonConfig(int replicas, DeviceKind device) {
    this(replicas, device, List.of());
  }

  /**
   * Parses the text of {@code parameters.config}.
   *
   * @throws ApiException 400 naming the field when the text is not a usable model configuration
   */
  public static TritonConfig parse(String text) {
    return parse(text, DeploymentLimits.DEFAULTS);
  }

  /** As {@link #parse(String)}, with the node's configured limits on {@code model_warmup}. */
  public static TritonConfig parse(String text, DeploymentLimits limits) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "parameters.config is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiException.badRequest(
          "parameters.config must be a JSON object, got " + Json.kind(root));
    }
    int maxBatchSize = DeploymentOptions.maxBatchSize(root.get("max_batch_size"), limits);
    List<WarmupSample> warmup =
        WarmupJson.parse("config model_warmup", root.get("model_warmup"), maxBatchSize, limits);
    ResponseCacheSpec cache =
        DeploymentOptions.responseCache("config response_cache", root.get("response_cache"));
    JsonNode groups = root.get("instance_group");
    if (groups == null || groups.isNull() || (groups.isArray() && groups.isEmpty())) {
      return new TritonConfig(DEFAULT.replicas(), DEFAULT.device(), warmup, cache);
    }
    if (!groups.isArray()) {
      throw ApiException.badRequest(
          "config 'instance_group' must be an array, got " + Json.kind(groups));
    }
    // Every group runs at least one instance, so more groups than replicas can only be refused.
    if (groups.size() > DeploymentSpec.MAX_REPLICAS) {
      throw ApiException.badRequest(
          "config instance_group has "
              + groups.size()
              + " groups; at most "
              + DeploymentSpec.MAX_REPLICAS
              + " instances are allowed");
    }
    long replicas = 0;
    Set<DeviceKind> kinds = EnumSet.noneOf(DeviceKind.class);
    for (int i = 0; i < groups.size(); i++) {
      JsonNode group = groups.get(i);
      String where = "config instance_group[" + i + "]";
      if (!group.isObject()) {
        throw ApiException.badRequest(where + " must be an object, got " + Json.kind(group));
      }
      replicas += count(where, group) * gpuCount(where, group);
      kinds.add(kind(where, group.get("kind")));
    }
    kinds.remove(DeviceKind.AUTO);
    if (kinds.size() > 1) {
      throw ApiException.badRequest(
          "config instance_group asks for both KIND_CPU and KIND_GPU;"
              + " a version is deployed on one kind of device");
    }
    if (replicas > DeploymentSpec.MAX_REPLICAS) {
      throw ApiException.badRequest(
          "config instance_group asks for "
              + replicas
              + " instances; at most "
              + DeploymentSpec.MAX_REPLICAS
              + " are allowed");
    }
    DeviceKind device = kinds.isEmpty() ? DeviceKind.AUTO : kinds.iterator().next();
    return new TritonConfig((int) replicas, device, warmup, cache);
  }

  private static long count(String where, JsonNode group) {
    JsonNode count = group.get("count");
    if (count == null || count.isNull()) {
      return 1;
    }
    if (!count.canConvertToInt() || !count.isIntegralNumber() || count.intValue() < 1) {
      throw ApiException.badRequest(
          where + " 'count' must be a positive integer, got " + Json.kind(count));
    }
    return count.intValue();
  }

  /** Triton runs {@code count} instances on each listed GPU. */
  private static long gpuCount(String where, JsonNode group) {
    JsonNode gpus = group.get("gpus");
    if (gpus == null || gpus.isNull()) {
      return 1;
    }
    if (!gpus.isArray()) {
      throw ApiException.badRequest(
          where + " 'gpus' must be an array of GPU indices, got " + Json.kind(gpus));
    }
    if (gpus.size() > DeploymentSpec.MAX_REPLICAS) {
      throw ApiException.badRequest(
          where
              + " 'gpus' lists "
              + gpus.size()
              + " GPUs; at most "
              + DeploymentSpec.MAX_REPLICAS
              + " instances are allowed");
    }
    return Math.max(1, gpus.size());
  }

  private static DeviceKind kind(String where, JsonNode kind) {
    if (kind == null || kind.isNull()) {
      return DeviceKind.AUTO;
    }
    String k = kind.isTextual() ? kind.textValue() : "";
    return switch (k) {
      case "KIND_GPU" -> DeviceKind.GPU;
      case "KIND_CPU" -> DeviceKind.CPU;
      case "KIND_AUTO" -> DeviceKind.AUTO;
      default ->
          throw ApiException.badRequest(
              where
                  + " 'kind' must be KIND_AUTO, KIND_GPU or KIND_CPU, got "
                  + Json.kind(kind)
                  + (kind.isTextual() ? " \"" + k + "\"" : ""));
    };
  }
}
