package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;

/**
 * The HTTP answer to a successful inference. When the client asked for no output as binary it is
 * the plain JSON body. Otherwise it is the JSON (binary outputs carry {@code binary_data_size}
 * instead of {@code data}) followed by the binary outputs' bytes in output order, with the JSON's
 * length in {@code Inference-Header-Content-Length}, as Triton answers.
 *
 * <p>The tensors' arrays are already the wire encoding (little-endian; BYTES framed with 4-byte
 * lengths), so they are chained behind the JSON as they are, never copied: large outputs are the
 * reason clients ask for binary.
 */
final class BinaryResponse {

  private BinaryResponse() {}

  static HttpResponse of(InferResult result, InferCall call) {
    String id = call.request().id();
    BinaryOutputs binary = call.binaryOutputs();
    List<Tensor> binaryOutputs = binary.any() ? selected(result, binary) : List.of();
    if (binaryOutputs.isEmpty()) {
      ByteString json =
          binary.shm().isEmpty()
              ? InferJson.writeResponse(result, id)
              : Json.bytes(g -> InferJson.write(result, id, binary, g));
      return HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
    }
    ByteString json = Json.bytes(g -> InferJson.write(result, id, binary, g));
    ByteString body = json;
    for (Tensor t : binaryOutputs) {
      body = body.concat(ByteString.fromArrayUnsafe(t.data()));
    }
    return HttpResponse.create()
        .addHeader(RawHeader.create(BinaryRequest.HEADER, Integer.toString(json.length())))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, body));
  }

  /**
   * {@code {"name", "datatype", "shape", "parameters": {"binary_data_size"}}}: an output without
   * data.
   */
  static void writeDescription(Tensor t, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeStringField("datatype", t.datatype().name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("parameters");
    g.writeNumberField("binary_data_size", t.data().length);
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * The outputs to send as binary, checked first: the client locates every later tensor by these
   * sizes, so a malformed one must fail the request (a server fault) rather than go out.
   */
  private static List<Tensor> selected(InferResult result, BinaryOutputs binary) {
    List<Tensor> out = new ArrayList<>(result.outputs().size());
    for (Tensor t : result.outputs()) {
      if (binary.binary(t.name()) && binary.shm(t.name()) == null) {
        requireWellFormed(t);
        out.add(t);
      }
    }
    return out;
  }

  private static void requireWellFormed(Tensor t) {
    DataType type = t.datatype();
    long count = t.elementCount();
    if (type.fixedWidth() && t.data().length != count * type.byteSize()) {
      throw new IllegalArgumentException(
          "output '"
              + t.name()
              + "': "
              + t.data().length
              + " data bytes but "
              + type
              + " shape "
              + Tensor.shapeText(t.shape())
              + " needs "
              + count * type.byteSize());
    }
    if (type == DataType.BYTES) {
      int framed;
      try {
        framed = Tensor.elementCountOfBytes(t.data());
      } catch (TensorFormatException e) {
        // The replica's bytes, not the client's: a 500, not a 400.
        throw new IllegalArgumentException("output '" + t.name() + "': " + e.getMessage(), e);
      }
      if (framed != count) {
        throw new IllegalArgumentException(
            "output '"
                + t.name()
                + "': "
                + framed
                + " BYTES elements but shape "
                + Tensor.shapeText(t.shape())
                + " needs "
                + count);
      }
    }
  }
}
