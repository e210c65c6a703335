package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.util.ByteString;

/**
 * The JSON body of an OIP v2 inference, in and out.
 *
 * <p>Request: {@code {"id"?, "parameters"?, "inputs": [tensor...], "outputs"?: [{"name",
 * "parameters"?}]}}. Every rejection is an {@link ApiException} 400 whose sentence names the
 * field, so a client can fix its request from the message alone. Parameters are accepted and
 * ignored: the OIP lets servers ignore the ones they do not know.
 *
 * <p>Response: {@code {"model_name", "model_version", "id"?, "outputs": [tensor...]}}, written
 * tensor by tensor with a streaming generator.
 */
public final class InferJson {

  private InferJson() {}

  public static InferRequest parseRequest(ByteString body) {
    return parseRequest(Json.parse(body));
  }

  public static InferRequest parseRequest(JsonNode root) {
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
    return new InferRequest(id, inputs(root.get("inputs")), outputs(root.get("outputs")));
  }

  private static List<Tensor> inputs(JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiException.badRequest("the inference request has no 'inputs'");
    }
    if (!node.isArray()) {
      throw ApiException.badRequest("'inputs' must be an array of tensors, got " + Json.kind(node));
    }
    if (node.isEmpty()) {
      throw ApiException.badRequest("'inputs' must not be empty");
    }
    List<Tensor> inputs = new ArrayList<>(node.size());
    Set<String> names = new HashSet<>();
    for (JsonNode input : node) {
      Tensor t;
      try {
        t = TensorJson.parseInput(input);
      } catch (TensorFormatException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      if (!names.add(t.name())) {
        throw ApiException.badRequest("input '" + t.name() + "' is given more than once");
      }
      inputs.add(t);
    }
    return List.copyOf(inputs);
  }

  private static List<String> outputs(JsonNode node) {
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
      if (!names.contains(name.textValue())) {
        names.add(name.textValue());
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

  /** The response body; {@code id} is echoed only when the client sent one. */
  public static ByteString writeResponse(InferResult result, String id) {
    return Json.bytes(g -> write(result, id, g));
  }

  static void write(InferResult result, String id, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("model_name", result.model());
    g.writeStringField("model_version", result.version());
    if (id != null) {
      g.writeStringField("id", id);
    }
    g.writeArrayFieldStart("outputs");
    for (Tensor t : result.outputs()) {
      TensorJson.writeOutput(t, g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
