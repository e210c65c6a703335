package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.oip.tensor.TensorReader;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A version's stability checks in JSON ({@code PUT /v1/models/{m}/versions/{v}/validation}, or
 * {@code validation} next to an upload):
 *
 * <pre>
 * {"samples": [{"name": "setosa", "atol": 1e-5, "rtol": 1e-4,
 *   "inputs":  [{"name": "x", "datatype": "FP32", "shape": [1, 4], "data": [5.1, 3.5, 1.4, 0.2]}],
 *   "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 3], "data": [0.9, 0.05, 0.05]}]}]}
 * </pre>
 *
 * <p>Inputs and outputs are OIP tensor objects, full shapes (batch dimension included), read with
 * the same rules as an inference request's inputs. {@code atol} and {@code rtol} default to {@link
 * ValidationSample#DEFAULT_ATOL} and {@link ValidationSample#DEFAULT_RTOL}. Samples are journalled
 * with the version, so they are bounded by the warm-up bounds of {@link DeploymentLimits}: at most
 * {@code max-warmup-samples} samples, {@code max-warmup-inputs} inputs (and as many outputs) per
 * sample, and {@code max-warmup-data-bytes} of tensor data (inputs and outputs) in all. Past a
 * bound, or on anything malformed, the answer is 400 naming the field.
 */
public final class ValidationJson {

  private static final Set<String> BODY_FIELDS = Set.of("samples");
  private static final Set<String> SAMPLE_FIELDS =
      Set.of("name", "inputs", "outputs", "atol", "rtol");

  private ValidationJson() {}

  /** The samples of a {@code {"samples": [...]}} body; an empty array removes the checks. */
  public static List<ValidationSample> parseBody(JsonNode body, DeploymentLimits limits) {
    fields("body", body, BODY_FIELDS);
    JsonNode samples = body.get("samples");
    if (samples == null) {
      throw ApiException.badRequest("'samples' is required: an array of validation samples");
    }
    return parse("samples", samples, limits);
  }

  /** The samples of the array {@code node} (null: none); {@code where} names it in messages. */
  public static List<ValidationSample> parse(String where, JsonNode node, DeploymentLimits limits) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    WarmupJson.requireSampleArray(where, node, "validation samples", limits);
    List<ValidationSample> out = new ArrayList<>(node.size());
    Set<String> names = new HashSet<>();
    long bytes = 0;
    for (int i = 0; i < node.size(); i++) {
      ValidationSample s = sample(where + "[" + i + "]", node.get(i), limits);
      if (!names.add(s.name())) {
        throw ApiException.badRequest(
            "'" + where + "[" + i + "].name': a sample named '" + s.name() + "' comes earlier");
      }
      for (Tensor t : s.inputs()) {
        bytes += t.data().length;
      }
      for (Tensor t : s.outputs()) {
        bytes += t.data().length;
      }
      if (bytes > limits.maxWarmupDataBytes()) {
        throw ApiException.badRequest(
            "'"
                + where
                + "' carries more than "
                + limits.maxWarmupDataBytes()
                + " bytes of tensor data in all"
                + " (modelfleet.limits.deployment.max-warmup-data-bytes)");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private static ValidationSample sample(String where, JsonNode n, DeploymentLimits limits) {
    fields(where, n, SAMPLE_FIELDS);
    JsonNode nameNode = n.get("name");
    if (nameNode == null
        || !nameNode.isTextual()
        || nameNode.textValue().isBlank()
        || nameNode.textValue().length() > WarmupJson.MAX_NAME_CHARS) {
      throw ApiException.badRequest(
          "'"
              + where
              + ".name' must be a non-empty string of at most "
              + WarmupJson.MAX_NAME_CHARS
              + " characters, got "
              + Json.kind(nameNode));
    }
    List<Tensor> inputs = tensors(where + ".inputs", n.get("inputs"), limits);
    List<Tensor> outputs = tensors(where + ".outputs", n.get("outputs"), limits);
    double atol = tolerance(where + ".atol", n.get("atol"), ValidationSample.DEFAULT_ATOL);
    double rtol = tolerance(where + ".rtol", n.get("rtol"), ValidationSample.DEFAULT_RTOL);
    return new ValidationSample(nameNode.textValue(), inputs, outputs, atol, rtol);
  }

  private static List<Tensor> tensors(String where, JsonNode n, DeploymentLimits limits) {
    if (n == null || !n.isArray() || n.isEmpty()) {
      throw ApiException.badRequest(
          "'" + where + "' must be a non-empty array of tensors, got " + Json.kind(n));
    }
    if (n.size() > limits.maxWarmupInputs()) {
      throw ApiException.badRequest(
          "'"
              + where
              + "' has "
              + n.size()
              + " tensors; at most "
              + limits.maxWarmupInputs()
              + " are allowed (modelfleet.limits.deployment.max-warmup-inputs)");
    }
    List<Tensor> out = new ArrayList<>(n.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      Tensor t;
      try {
        t = TensorReader.parseInput(n.get(i));
      } catch (TensorFormatException e) {
        throw ApiException.badRequest("'" + where + "[" + i + "]': " + e.getMessage());
      }
      if (!names.add(t.name())) {
        throw ApiException.badRequest(
            "'" + where + "[" + i + "]': tensor '" + t.name() + "' is named twice");
      }
      out.add(t);
    }
    return out;
  }

  private static double tolerance(String where, JsonNode n, double otherwise) {
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      throw ApiException.badRequest(
          "'" + where + "' must be a non-negative number, got " + Json.kind(n));
    }
    return n.doubleValue();
  }

  private static void fields(String where, JsonNode n, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("'" + where + "' must be a JSON object, got " + Json.kind(n));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.badRequest(
            "unknown field '"
                + (where.equals("body") ? "" : where + ".")
                + f
                + "'; expected one of "
                + allowed.stream().sorted().toList());
      }
    }
  }
}
