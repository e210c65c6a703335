package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.Names;
import java.util.Iterator;
import java.util.Set;

/**
 * The body of {@code POST /v1/models/{m}/deployments}: {@code {"version": "1", "replicas": 2,
 * "device": "auto|cpu|gpu"}}, optionally with Triton-style batching ({@code max_batch_size}, {@code
 * dynamic_batching}), ONNX Runtime options ({@code ort}; see {@link DeploymentOptions}) and warm-up
 * samples ({@code model_warmup}; see {@link WarmupJson}), each bounded by {@link DeploymentLimits},
 * and Triton's {@code response_cache: {"enable": true}} (answers of repeated requests from the
 * node's response cache; off when absent), and {@code autoscaling} (see {@link AutoscalingJson};
 * then {@code replicas} is optional and clamped into the bounds). Unknown fields are refused by
 * name, because a misspelt field ("replica") silently ignored would deploy something other than
 * what the operator asked for.
 */
public final class DeploymentRequest {

  private static final Set<String> FIELDS =
      Set.of(
          "version",
          "replicas",
          "device",
          "max_batch_size",
          "dynamic_batching",
          "ort",
          "model_warmup",
          "response_cache",
          "autoscaling");

  private DeploymentRequest() {}

  /** With the shipped {@link DeploymentLimits}; the routes pass the node's configured ones. */
  public static DeploymentSpec parse(JsonNode body) {
    return parse(body, DeploymentLimits.DEFAULTS);
  }

  public static DeploymentSpec parse(JsonNode body, DeploymentLimits limits) {
    if (body == null) {
      throw ApiException.badRequest(
          "the request body is empty; expected {\"version\": ..., \"replicas\": ..., \"device\": ...}");
    }
    if (!body.isObject()) {
      throw ApiException.badRequest("the deployment must be a JSON object, got " + Json.kind(body));
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw ApiException.badRequest(
            "unknown field '" + field + "'; a deployment has " + FIELDS.stream().sorted().toList());
      }
    }
    BatchingSpec batching =
        DeploymentOptions.batching(
            body.get("max_batch_size"), body.get("dynamic_batching"), limits);
    AutoscalingSpec autoscaling = AutoscalingJson.parse(body.get("autoscaling"));
    return new DeploymentSpec(
        version(body.get("version")),
        autoscaling == null
            ? replicas(body.get("replicas"))
            : AutoscalingJson.replicas(body.get("replicas"), autoscaling),
        device(body.get("device")),
        batching,
        DeploymentOptions.session(body.get("ort"), limits),
        WarmupJson.parse("model_warmup", body.get("model_warmup"), batching.maxBatchSize(), limits),
        DeploymentOptions.responseCache("response_cache", body.get("response_cache")),
        autoscaling);
  }

  private static String version(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiException.badRequest("'version' is required");
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest("'version' must be a string, got " + Json.kind(n));
    }
    String problem = Names.problem("version", n.textValue());
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return n.textValue();
  }

  private static int replicas(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiException.badRequest("'replicas' is required");
    }
    if (!n.isIntegralNumber()
        || !n.canConvertToInt()
        || n.intValue() < 0
        || n.intValue() > DeploymentSpec.MAX_REPLICAS) {
      throw ApiException.badRequest(
          "'replicas' must be an integer from 0 to "
              + DeploymentSpec.MAX_REPLICAS
              + ", got "
              + Json.kind(n));
    }
    return n.intValue();
  }

  private static DeviceKind device(JsonNode n) {
    if (n == null || n.isNull()) {
      return DeviceKind.AUTO;
    }
    DeviceKind kind = n.isTextual() ? DeviceKind.parse(n.textValue()) : null;
    if (kind == null) {
      throw ApiException.badRequest(
          "'device' must be one of auto, cpu, gpu, got "
              + Json.kind(n)
              + (n.isTextual() ? " \"" + n.textValue() + "\"" : ""));
    }
    return kind;
  }
}
