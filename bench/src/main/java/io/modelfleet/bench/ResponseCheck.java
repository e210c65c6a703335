package io.modelfleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

/**
 * Checks one served answer before its protocol is measured: status 200, every output the raw
 * session produced, with its shape and values (within float noise). A server that answered quickly
 * but wrongly, or that ignored {@code binary_data_output}, would otherwise be measured as if it
 * worked.
 */
public final class ResponseCheck {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Served and raw run the same kernels on the same bytes; batching may change summation order. */
  private static final double TOLERANCE = 1e-3;

  private ResponseCheck() {}

  /** Null when the answer is right, else a sentence saying what is wrong. */
  public static String problem(
      Requests.Protocol protocol,
      int status,
      HttpResponseReader r,
      Map<String, RawOrt.Reference> expected) {
    if (status != 200) {
      String body = r.bodyText();
      return "HTTP " + status + ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
    }
    try {
      if (protocol == Requests.Protocol.JSON) {
        return json(MAPPER.readTree(r.body(), 0, r.bodyLength()), expected);
      }
      return binary(r, expected);
    } catch (IOException | RuntimeException e) {
      return "unreadable answer: " + e.getMessage();
    }
  }

  private static String json(JsonNode root, Map<String, RawOrt.Reference> expected) {
    for (Map.Entry<String, RawOrt.Reference> e : expected.entrySet()) {
      JsonNode out = output(root, e.getKey());
      if (out == null) {
        return "the answer has no output '" + e.getKey() + "'";
      }
      String shape = shape(out, e.getValue());
      if (shape != null) {
        return shape;
      }
      JsonNode data = out.get("data");
      if (data == null || !data.isArray()) {
        return "output '" + e.getKey() + "' has no flat data array";
      }
      float[] got = new float[data.size()];
      for (int i = 0; i < got.length; i++) {
        got[i] = (float) data.get(i).asDouble();
      }
      String values = compare(e.getKey(), got, e.getValue().values());
      if (values != null) {
        return values;
      }
    }
    return null;
  }

  private static String binary(HttpResponseReader r, Map<String, RawOrt.Reference> expected)
      throws IOException {
    String headerLength = r.header(Requests.HEADER_LENGTH);
    if (headerLength == null) {
      return "the answer has no "
          + Requests.HEADER_LENGTH
          + " header (binary_data_output not honoured)";
    }
    int jsonLength = Integer.parseInt(headerLength.trim());
    JsonNode root = MAPPER.readTree(r.body(), 0, jsonLength);
    ByteBuffer tail = ByteBuffer.wrap(r.body(), 0, r.bodyLength()).order(ByteOrder.LITTLE_ENDIAN);
    int at = jsonLength;
    // Binary outputs follow the header in the order the header lists them.
    for (JsonNode out : root.path("outputs")) {
      long size = out.path("parameters").path("binary_data_size").asLong(-1);
      if (size < 0) {
        return "output '" + out.path("name").asText() + "' has no parameters.binary_data_size";
      }
      RawOrt.Reference ref = expected.get(out.path("name").asText());
      if (ref != null) {
        String shape = shape(out, ref);
        if (shape != null) {
          return shape;
        }
        if (size != ref.values().length * 4L) {
          return "output '"
              + out.path("name").asText()
              + "' has "
              + size
              + " bytes, expected "
              + ref.values().length * 4L;
        }
        String values = compare(out.path("name").asText(), decode(tail, at, ref), ref.values());
        if (values != null) {
          return values;
        }
      }
      at += (int) size;
    }
    if (at != r.bodyLength()) {
      return "the body has " + r.bodyLength() + " bytes, the header accounts for " + at;
    }
    for (String name : expected.keySet()) {
      if (output(root, name) == null) {
        return "the answer has no output '" + name + "'";
      }
    }
    return null;
  }

  /** The reference's element count of its datatype, little-endian from {@code at}, as floats. */
  static float[] decode(ByteBuffer le, int at, RawOrt.Reference ref) {
    float[] got = new float[ref.values().length];
    for (int i = 0; i < got.length; i++) {
      got[i] = "INT32".equals(ref.datatype()) ? le.getInt(at + i * 4) : le.getFloat(at + i * 4);
    }
    return got;
  }

  private static JsonNode output(JsonNode root, String name) {
    for (JsonNode out : root.path("outputs")) {
      if (name.equals(out.path("name").asText())) {
        return out;
      }
    }
    return null;
  }

  private static String shape(JsonNode out, RawOrt.Reference ref) {
    long[] got = new long[out.path("shape").size()];
    for (int i = 0; i < got.length; i++) {
      got[i] = out.path("shape").get(i).asLong();
    }
    if (!Arrays.equals(got, ref.shape())) {
      return "output '"
          + out.path("name").asText()
          + "' has shape "
          + Arrays.toString(got)
          + ", raw ONNX Runtime gives "
          + Arrays.toString(ref.shape());
    }
    return null;
  }

  static String compare(String name, float[] got, float[] want) {
    if (got.length != want.length) {
      return "output '" + name + "' has " + got.length + " values, expected " + want.length;
    }
    for (int i = 0; i < got.length; i++) {
      if (Math.abs(got[i] - want[i]) > TOLERANCE * Math.max(1, Math.abs(want[i]))) {
        return "output '"
            + name
            + "'["
            + i
            + "] is "
            + got[i]
            + ", raw ONNX Runtime gives "
            + want[i];
      }
    }
    return null;
  }
}
