package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.util.ByteString;

/**
 * The JSON body of an OIP v2 inference, in and out.
 *
 * <p>Request: {@code {"id"?, "parameters"?, "inputs": [tensor...], "outputs"?: [{"name",
 * "parameters"?}]}}. Every rejection is an {@link ApiException} 400 whose sentence names the
 * field, so a client can fix its request from the message alone. Of the request's parameters,
 * {@code priority}, {@code timeout} (microseconds) and {@code binary_data_output} are read; of an
 * output's, {@code binary_data}; of an input's, {@code binary_data_size} (see {@link
 * BinaryRequest}). Other parameters are accepted and ignored: the OIP lets servers ignore the
 * ones they do not know.
 *
 * <p>Response: {@code {"model_name", "model_version", "id"?, "outputs": [tensor...]}}, written
 * tensor by tensor with a streaming generator. A binary output is written without {@code data}
 * and with its {@code binary_data_size}; {@link BinaryResponse} appends its bytes.
 */
public final class InferJson {

  private InferJson() {}

  /** A plain JSON body. */
  public static InferCall parseRequest(ByteString body) {
    return parseRequest(BinaryRequest.json(body));
  }

  /**
   * A body with the value of its {@code Inference-Header-Content-Length} header, or null when it
   * has none (then the body is plain JSON).
   */
  public static InferCall parseRequest(String inferenceHeaderLength, ByteString body) {
    return parseRequest(BinaryRequest.split(inferenceHeaderLength, body));
  }

  static InferCall parseRequest(BinaryRequest body) {
    JsonNode root = Json.parse(body.json());
    if (root == null) {
      throw ApiException.badRequest("the request body is empty; an inference request is a JSON object with 'inputs'");
    }
    if (!root.isObject()) {
      throw ApiException.badRequest("an inference request must be a JSON object, got " + Json.kind(root));
    }
    String id = optionalString(root, "id");
    JsonNode parameters = root.get("parameters");
    if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
      throw ApiException.badRequest("'parameters' must be a JSON object, got " + Json.kind(parameters));
    }
    if (parameters == null || parameters.isNull()) {
      parameters = MissingNode.getInstance();
    }
    long priority = nonNegative(parameters, "priority", Integer.MAX_VALUE, "1 is the highest, 0 the default");
    long timeoutMicros = nonNegative(parameters, "timeout", Long.MAX_VALUE, "microseconds allowed in the queue");
    boolean binaryByDefault = flag(parameters.get("binary_data_output"), "request parameter 'binary_data_output'");

    List<Tensor> inputs = inputs(root.get("inputs"), body);
    Map<String, Boolean> binaryOutputs = new HashMap<>();
    List<String> outputs = outputs(root.get("outputs"), binaryOutputs);
    BinaryOutputs binary = !binaryByDefault && binaryOutputs.isEmpty()
        ? BinaryOutputs.NONE : new BinaryOutputs(binaryByDefault, binaryOutputs);
    return new InferCall(new InferRequest(id, inputs, outputs, (int) priority, timeoutMicros), binary);
  }

  /** A request parameter that must be an integer from 0 to {@code max}; 0 when absent. */
  private static long nonNegative(JsonNode parameters, String field, long max, String meaning) {
    JsonNode n = parameters.get(field);
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw ApiException.badRequest("request parameter '" + field + "' must be a non-negative integer ("
          + meaning + "), got " + Json.kind(n));
    }
    if (n.longValue() > max) {
      throw ApiException.badRequest("request parameter '" + field + "' must be at most " + max + ", got " + Json.kind(n));
    }
    return n.longValue();
  }

  /** A boolean parameter; false when absent. */
  private static boolean flag(JsonNode n, String what) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw ApiException.badRequest(what + " must be true or false, got " + Json.kind(n));
    }
    return n.booleanValue();
  }

  /** The inputs in order, each from its JSON {@code data} or from its binary section. */
  private static List<Tensor> inputs(JsonNode node, BinaryRequest body) {
    if (node == null || node.isNull()) {
      throw ApiException.badRequest("the inference request has no 'inputs'");
    }
    if (!node.isArray()) {
      throw ApiException.badRequest("'inputs' must be an array of tensors, got " + Json.kind(node));
    }
    // An empty list is valid OIP for a model without inputs; the replica checks it against the
    // model's signature and names the missing inputs of a model that has some.
    List<Tensor> inputs = new ArrayList<>(node.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode input = node.get(i);
      JsonNode binarySize = BinaryInput.sizeParameter(input, i);
      Tensor t;
      try {
        t = binarySize == null ? TensorJson.parseInput(input) : BinaryInput.parse(input, binarySize, body);
      } catch (TensorFormatException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      if (!names.add(t.name())) {
        throw ApiException.badRequest("input '" + t.name() + "' is given more than once");
      }
      inputs.add(t);
    }
    body.requireConsumed();
    return List.copyOf(inputs);
  }

  /** The requested output names, first mention first; fills {@code binary} from their parameters. */
  private static List<String> outputs(JsonNode node, Map<String, Boolean> binary) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ApiException.badRequest("'outputs' must be an array of {\"name\": ...} objects, got " + Json.kind(node));
    }
    List<String> names = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode out = node.get(i);
      JsonNode name = out.isObject() ? out.get("name") : null;
      if (name == null || !name.isTextual()) {
        throw ApiException.badRequest("outputs[" + i + "] must be an object with a string 'name', got "
            + (out.isObject() ? "name " + Json.kind(name) : Json.kind(out)));
      }
      JsonNode params = out.get("parameters");
      if (params != null && !params.isNull() && !params.isObject()) {
        throw ApiException.badRequest("outputs[" + i + "] 'parameters' must be a JSON object, got " + Json.kind(params));
      }
      String n = name.textValue();
      if (params != null && params.isObject()) {
        JsonNode binaryData = params.get("binary_data");
        if (binaryData != null && !binaryData.isNull()) {
          Boolean wanted = flag(binaryData, "outputs[" + i + "] ('" + n + "') parameter 'binary_data'");
          Boolean earlier = binary.putIfAbsent(n, wanted);
          if (earlier != null && !earlier.equals(wanted)) {
            throw ApiException.badRequest("output '" + n + "' is requested both with and without 'binary_data'");
          }
        }
      }
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    return List.copyOf(names);
  }

  private static String optionalString(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string, got " + Json.kind(n));
    }
    return n.textValue();
  }

  /** The all-JSON response body; {@code id} is echoed only when the client sent one. */
  public static ByteString writeResponse(InferResult result, String id) {
    return Json.bytes(g -> write(result, id, BinaryOutputs.NONE, g));
  }

  /** The JSON of a response; outputs that {@code binary} selects are described without data. */
  static void write(InferResult result, String id, BinaryOutputs binary, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("model_name", result.model());
    g.writeStringField("model_version", result.version());
    if (id != null) {
      g.writeStringField("id", id);
    }
    g.writeArrayFieldStart("outputs");
    boolean any = binary.any();
    for (Tensor t : result.outputs()) {
      if (any && binary.binary(t.name())) {
        BinaryResponse.writeDescription(t, g);
      } else {
        TensorJson.writeOutput(t, g);
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
