package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.oip.tensor.JsonValueText;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.gateway.oip.tensor.TensorReader;
import io.modelfleet.gateway.oip.tensor.TensorWriter;
import io.modelfleet.gateway.shm.ShmJson;
import io.modelfleet.gateway.shm.ShmRef;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
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
 * "parameters"?}]}}, read with a streaming parser (tensors by {@link TensorReader}), never as a
 * tree, so its memory follows the tensors' real size. Every rejection is an {@link ApiException}
 * 400 whose sentence names the field, so a client can fix its request from the message alone. Of
 * the request's parameters, {@code priority}, {@code timeout} (microseconds) and {@code
 * binary_data_output} are read and the sequence parameters refused ({@link RequestParameters}); of
 * an output's, {@code binary_data}; of an input's, {@code binary_data_size} (see {@link
 * BinaryRequest}). Other parameters are accepted and ignored: the OIP lets servers ignore the ones
 * they do not know.
 *
 * <p>Response: {@code {"model_name", "model_version", "id"?, "outputs": [tensor...]}}, written
 * tensor by tensor with a streaming generator. A binary output is written without {@code data} and
 * with its {@code binary_data_size}; {@link BinaryResponse} appends its bytes.
 */
public final class InferJson {

  private InferJson() {}

  /**
   * Most tensors one request may name in {@code inputs} or {@code outputs}. Each costs a few
   * hundred bytes of objects for about 50 bytes of JSON, so a body of millions of tiny tensors
   * would otherwise be a heap amplifier; no model has this many inputs or outputs.
   */
  static final int MAX_TENSORS = 4096;

  /** A plain JSON body. */
  public static InferCall parseRequest(ByteString body) {
    return parseRequest(BinaryRequest.json(body), MemoryReservation.NONE);
  }

  /**
   * A body with the value of its {@code Inference-Header-Content-Length} header, or null when it
   * has none (then the body is plain JSON).
   */
  public static InferCall parseRequest(String inferenceHeaderLength, ByteString body) {
    return parseRequest(inferenceHeaderLength, body, MemoryReservation.NONE);
  }

  /**
   * As {@link #parseRequest(String, ByteString)}, announcing every decoded tensor buffer to {@code
   * budget}.
   */
  public static InferCall parseRequest(
      String inferenceHeaderLength, ByteString body, MemoryReservation budget) {
    return parseRequest(BinaryRequest.split(inferenceHeaderLength, body), budget);
  }

  /**
   * Reads the request with a streaming parser, tensors straight into their buffers. Members may
   * come in any order; unknown ones are skipped without being built. Type errors are reported as
   * they are met, missing members once the whole object has been read.
   */
  static InferCall parseRequest(BinaryRequest body, MemoryReservation budget) {
    return parseRequest(body, budget, ShmTensors.NONE);
  }

  /**
   * As {@link #parseRequest(String, ByteString, MemoryReservation)}, with inputs and outputs that
   * name a registered shared memory region ({@code shared_memory_region}, {@code
   * shared_memory_byte_size}, {@code shared_memory_offset}) read from and bound to {@code shm}.
   */
  public static InferCall parseRequest(
      String inferenceHeaderLength, ByteString body, MemoryReservation budget, ShmTensors shm) {
    return parseRequest(BinaryRequest.split(inferenceHeaderLength, body), budget, shm);
  }

  static InferCall parseRequest(BinaryRequest body, MemoryReservation budget, ShmTensors shm) {
    ByteString json = body.json();
    try (JsonParser p = Json.inferenceParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw ApiException.badRequest(
            "the request body is empty; an inference request is a JSON object with 'inputs'");
      }
      if (first != JsonToken.START_OBJECT) {
        throw ApiException.badRequest(
            "an inference request must be a JSON object, got " + JsonValueText.kind(p));
      }
      Request r = new Request();
      TensorReader.Source source = offset -> Json.inferenceParser(json.drop((int) offset));
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "id" -> r.id = optionalString(p, t, "id");
          case "parameters" -> r.parameters(p, t);
          case "inputs" -> r.inputs(p, t, source, body, budget, shm);
          case "outputs" -> r.outputs(p, t);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw ApiException.badRequest(
            "the request body is not valid JSON: more content follows the inference"
                + " request at line "
                + p.currentTokenLocation().getLineNr()
                + ", column "
                + p.currentTokenLocation().getColumnNr());
      }
      return r.finish(body, shm);
    } catch (JsonProcessingException e) {
      throw Json.syntaxError(e);
    } catch (TensorFormatException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(
          "the request body could not be read as JSON: " + e.getMessage());
    }
  }

  /** The members of a request as they are read. */
  private static final class Request {
    String id;
    long priority;
    long timeoutMicros;
    boolean binaryByDefault;
    boolean inputsSeen;
    final List<Tensor> inputs = new ArrayList<>();
    final Set<String> inputNames = new HashSet<>();
    final List<String> outputs = new ArrayList<>();
    final Map<String, Boolean> binaryOutputs = new HashMap<>();
    final Map<String, ShmRef> shmOutputs = new HashMap<>();

    void parameters(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        throw ApiException.badRequest(
            "'parameters' must be a JSON object, got " + JsonValueText.kind(p));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case RequestParameters.PRIORITY ->
              priority =
                  RequestParameters.nonNegative(
                      p,
                      v,
                      key,
                      RequestParameters.MAX_PRIORITY,
                      RequestParameters.PRIORITY_MEANING);
          case RequestParameters.TIMEOUT ->
              timeoutMicros =
                  RequestParameters.nonNegative(
                      p, v, key, Long.MAX_VALUE, RequestParameters.TIMEOUT_MEANING);
          case "sequence_id", "sequence_start", "sequence_end" -> {
            RequestParameters.refuseSequence(key, p, v);
            p.skipChildren();
          }
          case "binary_data_output" ->
              binaryByDefault =
                  Boolean.TRUE.equals(flag(p, v, "request parameter 'binary_data_output'"));
          default -> p.skipChildren();
        }
      }
    }

    /** The inputs in order, each from its JSON {@code data} or from its binary section. */
    void inputs(
        JsonParser p,
        JsonToken t,
        TensorReader.Source source,
        BinaryRequest body,
        MemoryReservation budget,
        ShmTensors shm)
        throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_ARRAY) {
        throw ApiException.badRequest(
            "'inputs' must be an array of tensors, got " + JsonValueText.kind(p));
      }
      inputsSeen = true;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (inputs.size() == MAX_TENSORS) {
          throw ApiException.badRequest("'inputs' has more than " + MAX_TENSORS + " tensors");
        }
        TensorReader.Input in = TensorReader.read(p, source, budget);
        Tensor tensor =
            in.shm() != null
                ? shm.input(in.header(), in.shm(), budget)
                : in.binary() ? BinaryInput.take(in, body, budget) : in.tensor();
        if (!inputNames.add(tensor.name())) {
          throw ApiException.badRequest("input '" + tensor.name() + "' is given more than once");
        }
        inputs.add(tensor);
      }
    }

    /** The requested output names, first mention first, with their {@code binary_data} choices. */
    void outputs(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_ARRAY) {
        throw ApiException.badRequest(
            "'outputs' must be an array of {\"name\": ...} objects, got " + JsonValueText.kind(p));
      }
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (i == MAX_TENSORS) {
          throw ApiException.badRequest("'outputs' has more than " + MAX_TENSORS + " entries");
        }
        output(p, i++);
      }
    }

    private void output(JsonParser p, int i) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw ApiException.badRequest(
            "outputs["
                + i
                + "] must be an object with a string 'name', got "
                + JsonValueText.kind(p));
      }
      String name = null;
      String nameKind = "nothing";
      String paramsProblem = null;
      JsonToken binaryToken = null;
      String binaryKind = null;
      ShmOutputParameters shmParams = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (key.equals("name")) {
          name = v == JsonToken.VALUE_STRING ? p.getText() : null;
          nameKind = JsonValueText.kind(p);
        } else if (key.equals("parameters")) {
          if (v == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String pk = p.currentName();
              JsonToken pv = p.nextToken();
              if (pk.equals("binary_data")) {
                binaryToken = pv;
                binaryKind = JsonValueText.kind(p);
              } else if (ShmRef.isShmParameter(pk)) {
                shmParams = shmParams == null ? new ShmOutputParameters() : shmParams;
                shmParams.read(p, pv, pk, i);
              } else {
                p.skipChildren();
              }
            }
          } else if (v != JsonToken.VALUE_NULL) {
            paramsProblem = JsonValueText.kind(p);
          }
        } else {
          p.skipChildren();
        }
      }
      if (name == null) {
        throw ApiException.badRequest(
            "outputs[" + i + "] must be an object with a string 'name', got name " + nameKind);
      }
      if (paramsProblem != null) {
        throw ApiException.badRequest(
            "outputs[" + i + "] 'parameters' must be a JSON object, got " + paramsProblem);
      }
      if (binaryToken != null && binaryToken != JsonToken.VALUE_NULL) {
        if (binaryToken != JsonToken.VALUE_TRUE && binaryToken != JsonToken.VALUE_FALSE) {
          throw ApiException.badRequest(
              "outputs["
                  + i
                  + "] ('"
                  + name
                  + "') parameter 'binary_data' must be true or false, got "
                  + binaryKind);
        }
        Boolean wanted = binaryToken == JsonToken.VALUE_TRUE;
        Boolean earlier = binaryOutputs.putIfAbsent(name, wanted);
        if (earlier != null && !earlier.equals(wanted)) {
          throw ApiException.badRequest(
              "output '" + name + "' is requested both with and without 'binary_data'");
        }
      }
      if (shmParams != null) {
        shmParams.addTo(shmOutputs, name);
      }
      if (!outputs.contains(name)) {
        outputs.add(name);
      }
    }

    InferCall finish(BinaryRequest body, ShmTensors shm) {
      if (!inputsSeen) {
        throw ApiException.badRequest("the inference request has no 'inputs'");
      }
      // An empty list is valid OIP for a model without inputs; the replica checks it against the
      // model's signature and names the missing inputs of a model that has some.
      body.requireConsumed();
      if (!shmOutputs.isEmpty()) {
        shm.checkOutputs(shmOutputs);
      }
      BinaryOutputs binary =
          !binaryByDefault && binaryOutputs.isEmpty() && shmOutputs.isEmpty()
              ? BinaryOutputs.NONE
              : new BinaryOutputs(binaryByDefault, binaryOutputs, shmOutputs);
      return new InferCall(
          new InferRequest(
              id, List.copyOf(inputs), List.copyOf(outputs), (int) priority, timeoutMicros),
          binary);
    }
  }

  /** A boolean parameter; null when null. */
  private static Boolean flag(JsonParser p, JsonToken v, String what) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
      throw ApiException.badRequest(what + " must be true or false, got " + JsonValueText.kind(p));
    }
    return v == JsonToken.VALUE_TRUE;
  }

  private static String optionalString(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw ApiException.badRequest(
          "'" + field + "' must be a string, got " + JsonValueText.kind(p));
    }
    return p.getText();
  }

  /** The all-JSON response body; {@code id} is echoed only when the client sent one. */
  public static ByteString writeResponse(InferResult result, String id) {
    return Json.bytes(g -> write(result, id, BinaryOutputs.NONE, g));
  }

  /** The JSON of a response; outputs that {@code binary} selects are described without data. */
  static void write(InferResult result, String id, BinaryOutputs binary, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("model_name", result.model());
    g.writeStringField("model_version", result.version());
    if (id != null) {
      g.writeStringField("id", id);
    }
    g.writeArrayFieldStart("outputs");
    boolean any = binary.any();
    for (Tensor t : result.outputs()) {
      ShmRef ref = any ? binary.shm(t.name()) : null;
      if (ref != null) {
        ShmJson.writeOutput(t, ref, g);
      } else if (any && binary.binary(t.name())) {
        BinaryResponse.writeDescription(t, g);
      } else {
        TensorWriter.writeOutput(t, g);
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
