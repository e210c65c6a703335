package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.oip.tensor.TensorReader;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Triton's {@code model_warmup} in its JSON form, in a deployment body and in the {@code
 * parameters.config} of a repository load:
 *
 * <pre>
 * "model_warmup": [{"name": "ones", "batch_size": 1, "count": 1,
 *   "inputs": {"x": {"data_type": "TYPE_FP32", "dims": [4], "zero_data": true}}}]
 * </pre>
 *
 * <p>As in Triton, {@code dims} leave out the batch dimension: with {@code max_batch_size > 0} the
 * input sent is {@code [batch_size] + dims} and each input is repeated {@code batch_size} times;
 * without batching {@code batch_size} must be 1 and the shape is {@code dims}. Each input sets one
 * of {@code zero_data} or {@code random_data} (their values are not looked at, as in Triton) or,
 * since a deployment has no model directory for {@code input_data_file}, ModelFleet's extension
 * {@code input_data}: the values of one batch item in the form of an OIP tensor's {@code data}
 * (flat or nested, strings for BYTES). {@code data_type} takes Triton's names ({@code TYPE_FP32},
 * {@code TYPE_STRING}) or the OIP's ({@code FP32}, {@code BYTES}).
 *
 * <p>Every count and size is bounded by {@link DeploymentLimits}; past a bound the answer is 400
 * naming the field.
 */
public final class WarmupJson {

  /** Names appear in failure reasons and logs; longer is a mistake. */
  static final int MAX_NAME_CHARS = 128;

  /** No ONNX model in practice has more; Tensor shapes beyond it are refused as a typo. */
  static final int MAX_RANK = 16;

  private static final Set<String> SAMPLE_FIELDS = Set.of("name", "batch_size", "inputs", "count");
  private static final Set<String> INPUT_FIELDS =
      Set.of("data_type", "dims", "zero_data", "random_data", "input_data_file", "input_data");

  private WarmupJson() {}

  /**
   * The samples of {@code node} (null or absent: none).
   *
   * @param where how messages name the field: "model_warmup" or "config model_warmup"
   * @param maxBatchSize the deployment's {@code max_batch_size}, 0 when it does not batch
   */
  public static List<WarmupSample> parse(
      String where, JsonNode node, int maxBatchSize, DeploymentLimits limits) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    requireSampleArray(where, node, "warm-up samples", limits);
    List<WarmupSample> samples = new ArrayList<>(node.size());
    long dataBytes = 0;
    for (int i = 0; i < node.size(); i++) {
      WarmupSample s = sample(where + "[" + i + "]", node.get(i), maxBatchSize, limits);
      for (WarmupSample.Input in : s.inputs()) {
        dataBytes += in.data().length;
      }
      if (dataBytes > limits.maxWarmupDataBytes()) {
        throw ApiException.badRequest(
            "'"
                + where
                + "' carries more than "
                + limits.maxWarmupDataBytes()
                + " bytes of input_data in all (modelfleet.limits.deployment.max-warmup-data-bytes);"
                + " use zero_data or random_data for large inputs");
      }
      samples.add(s);
    }
    return List.copyOf(samples);
  }

  private static WarmupSample sample(
      String where, JsonNode n, int maxBatchSize, DeploymentLimits limits) {
    object(where, n, SAMPLE_FIELDS);
    JsonNode nameNode = n.get("name");
    if (nameNode == null
        || !nameNode.isTextual()
        || nameNode.textValue().isBlank()
        || nameNode.textValue().length() > MAX_NAME_CHARS) {
      throw ApiException.badRequest(
          "'"
              + where
              + ".name' must be a non-empty string of at most "
              + MAX_NAME_CHARS
              + " characters, got "
              + Json.kind(nameNode));
    }
    String name = nameNode.textValue();
    JsonNode batchNode = n.get("batch_size");
    int batch =
        batchNode == null || batchNode.isNull()
            ? 1
            : DeploymentOptions.integer(
                where + ".batch_size", batchNode, 1, Math.max(1, maxBatchSize));
    JsonNode countNode = n.get("count");
    int count =
        countNode == null || countNode.isNull()
            ? 0
            : DeploymentOptions.integer(where + ".count", countNode, 0, limits.maxWarmupCount());
    JsonNode inputs = n.get("inputs");
    if (inputs == null || inputs.isNull()) {
      inputs = Json.MAPPER.createObjectNode();
    }
    if (!inputs.isObject()) {
      throw ApiException.badRequest(
          "'" + where + ".inputs' must be an object of inputs by name, got " + Json.kind(inputs));
    }
    if (inputs.size() > limits.maxWarmupInputs()) {
      throw ApiException.badRequest(
          "'"
              + where
              + ".inputs' has "
              + inputs.size()
              + " inputs; at most "
              + limits.maxWarmupInputs()
              + " are allowed (modelfleet.limits.deployment.max-warmup-inputs)");
    }
    List<WarmupSample.Input> list = new ArrayList<>(inputs.size());
    long tensorBytes = 0;
    for (Map.Entry<String, JsonNode> e : inputs.properties()) {
      WarmupSample.Input in =
          input(
              where + ".inputs." + e.getKey(),
              e.getKey(),
              e.getValue(),
              batch,
              maxBatchSize > 0,
              limits);
      tensorBytes += tensorBytes(in);
      if (tensorBytes > limits.maxWarmupTensorBytes()) {
        throw ApiException.badRequest(
            "'"
                + where
                + "' needs more than "
                + limits.maxWarmupTensorBytes()
                + " bytes of tensors (modelfleet.limits.deployment.max-warmup-tensor-bytes)");
      }
      list.add(in);
    }
    return new WarmupSample(name, batch, count, list);
  }

  private static WarmupSample.Input input(
      String where, String name, JsonNode n, int batch, boolean batched, DeploymentLimits limits) {
    object(where, n, INPUT_FIELDS);
    DataType type = dataType(where, n.get("data_type"));
    long[] dims = dims(where, n.get("dims"));
    long[] shape = batched ? prepend(batch, dims) : dims;
    if (elements(shape) < 0) {
      throw ApiException.badRequest(
          "'" + where + ".dims' describe more elements than a tensor can hold");
    }
    List<String> sources = new ArrayList<>();
    for (String f : List.of("zero_data", "random_data", "input_data_file", "input_data")) {
      if (n.has(f)) {
        sources.add(f);
      }
    }
    if (sources.size() != 1) {
      throw ApiException.badRequest(
          "'"
              + where
              + "' must set exactly one of zero_data, random_data or input_data, got "
              + (sources.isEmpty() ? "none" : sources));
    }
    return switch (sources.get(0)) {
      case "zero_data" -> new WarmupSample.Input(name, type, shape, WarmupSample.Fill.ZERO, null);
      case "random_data" ->
          new WarmupSample.Input(name, type, shape, WarmupSample.Fill.RANDOM, null);
      case "input_data_file" ->
          throw ApiException.badRequest(
              "'"
                  + where
                  + ".input_data_file' is not supported:"
                  + " a deployment has no model directory; give the values inline as 'input_data'");
      default -> {
        byte[] item = inlineData(where, name, type, dims, n.get("input_data"));
        int times = batched ? batch : 1;
        if ((long) item.length * times > limits.maxWarmupDataBytes()) {
          throw ApiException.badRequest(
              "'"
                  + where
                  + ".input_data' takes "
                  + (long) item.length * times
                  + " bytes for batch_size "
                  + times
                  + "; at most "
                  + limits.maxWarmupDataBytes()
                  + " are allowed (modelfleet.limits.deployment.max-warmup-data-bytes)");
        }
        yield new WarmupSample.Input(
            name, type, shape, WarmupSample.Fill.DATA, repeat(item, times));
      }
    };
  }

  /** One batch item's values, encoded as the protocol encodes an inference input. */
  private static byte[] inlineData(
      String where, String name, DataType type, long[] dims, JsonNode data) {
    ObjectNode tensor = Json.MAPPER.createObjectNode();
    tensor.put("name", name);
    tensor.put("datatype", type.name());
    var shape = tensor.putArray("shape");
    for (long d : dims) {
      shape.add(d);
    }
    tensor.set("data", data);
    try {
      Tensor t = TensorReader.parseInput(tensor);
      return t.data();
    } catch (TensorFormatException e) {
      throw ApiException.badRequest("'" + where + ".input_data': " + e.getMessage());
    }
  }

  private static byte[] repeat(byte[] item, int times) {
    byte[] out = new byte[item.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(item, 0, out, i * item.length, item.length);
    }
    return out;
  }

  private static DataType dataType(String where, JsonNode n) {
    String text = n != null && n.isTextual() ? n.textValue() : null;
    DataType type = null;
    if (text != null) {
      String bare = text.startsWith("TYPE_") ? text.substring("TYPE_".length()) : text;
      type = bare.equals("STRING") ? DataType.BYTES : DataType.parse(bare);
    }
    if (type == null) {
      throw ApiException.badRequest(
          "'"
              + where
              + ".data_type' must be a datatype such as TYPE_FP32, TYPE_INT64 or"
              + " TYPE_STRING, got "
              + Json.kind(n)
              + (text != null ? " \"" + text + "\"" : ""));
    }
    return type;
  }

  /** Non-negative sizes; protobuf's JSON writes int64 as strings, so "4" is read as 4. */
  private static long[] dims(String where, JsonNode n) {
    if (n == null || n.isNull()) {
      return new long[0];
    }
    if (!n.isArray() || n.size() > MAX_RANK) {
      throw ApiException.badRequest(
          "'"
              + where
              + ".dims' must be an array of at most "
              + MAX_RANK
              + " non-negative integers, got "
              + Json.kind(n)
              + (n.isArray() ? " of " + n.size() : ""));
    }
    long[] dims = new long[n.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = n.get(i);
      long v = -1;
      if (d.isIntegralNumber() && d.canConvertToLong()) {
        v = d.longValue();
      } else if (d.isTextual() && d.textValue().matches("\\d{1,18}")) {
        v = Long.parseLong(d.textValue());
      }
      if (v < 0) {
        throw ApiException.badRequest(
            "'"
                + where
                + ".dims["
                + i
                + "]' must be a non-negative integer"
                + " (warm-up shapes are concrete; -1 is not allowed), got "
                + Json.kind(d));
      }
      dims[i] = v;
    }
    return dims;
  }

  private static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** Element count, or -1 when it overflows. */
  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }

  /**
   * What the replica allocates for this input: an empty BYTES string still takes its 4-byte length.
   */
  static long tensorBytes(WarmupSample.Input in) {
    if (in.fill() == WarmupSample.Fill.DATA) {
      return in.data().length;
    }
    long n = elements(in.shape());
    int width = in.datatype().fixedWidth() ? in.datatype().byteSize() : 4;
    return n > Long.MAX_VALUE / width ? Long.MAX_VALUE : n * width;
  }

  private static void object(String where, JsonNode n, Set<String> fields) {
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("'" + where + "' must be a JSON object, got " + Json.kind(n));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw ApiException.badRequest(
            "unknown field '"
                + where
                + "."
                + f
                + "'; expected one of "
                + fields.stream().sorted().toList());
      }
    }
  }

  /**
   * Refuses {@code node} unless it is an array of at most {@code max-warmup-samples} entries: the
   * bound warm-up and validation samples share ({@code what} names them in the message).
   */
  static void requireSampleArray(
      String where, JsonNode node, String what, DeploymentLimits limits) {
    if (!node.isArray()) {
      throw ApiException.badRequest(
          "'" + where + "' must be an array of " + what + ", got " + Json.kind(node));
    }
    if (node.size() > limits.maxWarmupSamples()) {
      throw ApiException.badRequest(
          "'"
              + where
              + "' has "
              + node.size()
              + " samples; at most "
              + limits.maxWarmupSamples()
              + " are allowed (modelfleet.limits.deployment.max-warmup-samples)");
    }
  }
}
