package io.modelfleet.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Inference requests of the Open Inference Protocol, serialised once before a measurement.
 *
 * <ul>
 *   <li>JSON: {@code {"inputs":[{"name","datatype","shape","data":[…]}]}}, data flat.
 *   <li>Binary (Triton's binary tensor extension): a JSON header whose inputs carry {@code
 *       parameters.binary_data_size} instead of data, with request parameter {@code
 *       binary_data_output: true}, then each input's raw little-endian bytes in order. The header's
 *       length goes in {@code Inference-Header-Content-Length}.
 * </ul>
 */
public final class Requests {

  public enum Protocol {
    JSON("json"),
    BINARY("binary");

    public final String label;

    Protocol(String label) {
      this.label = label;
    }

    public static Protocol parse(String s) {
      for (Protocol p : values()) {
        if (p.label.equals(s)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "unknown protocol '" + s + "'; bench.protocols takes json, binary");
    }
  }

  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private Requests() {}

  /** The whole HTTP request for {@code POST /v2/models/{model}/infer}. */
  public static byte[] infer(
      Protocol protocol, String host, int port, String model, List<InputTensor> inputs) {
    String path = "/v2/models/" + model + "/infer";
    if (protocol == Protocol.JSON) {
      return MiniHttpClient.authorized(
          "POST", path, host, port, "application/json", jsonBody(inputs));
    }
    byte[] header = binaryHeader(inputs);
    int size = header.length;
    for (InputTensor t : inputs) {
      size += t.data().length;
    }
    byte[] body = new byte[size];
    System.arraycopy(header, 0, body, 0, header.length);
    int at = header.length;
    for (InputTensor t : inputs) {
      System.arraycopy(t.data(), 0, body, at, t.data().length);
      at += t.data().length;
    }
    return MiniHttpClient.authorized(
        "POST",
        path,
        host,
        port,
        "application/octet-stream",
        body,
        HEADER_LENGTH,
        Integer.toString(header.length));
  }

  static byte[] jsonBody(List<InputTensor> inputs) {
    StringBuilder sb =
        new StringBuilder(64 + inputs.stream().mapToInt(t -> t.elementCount() * 12).sum());
    sb.append("{\"inputs\":[");
    for (int i = 0; i < inputs.size(); i++) {
      InputTensor t = inputs.get(i);
      if (i > 0) {
        sb.append(',');
      }
      describe(t, sb);
      sb.append(",\"data\":[");
      t.appendJsonData(sb);
      sb.append("]}");
    }
    sb.append("]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] binaryHeader(List<InputTensor> inputs) {
    StringBuilder sb = new StringBuilder(256).append("{\"inputs\":[");
    for (int i = 0; i < inputs.size(); i++) {
      InputTensor t = inputs.get(i);
      if (i > 0) {
        sb.append(',');
      }
      describe(t, sb);
      sb.append(",\"parameters\":{\"binary_data_size\":").append(t.data().length).append("}}");
    }
    sb.append("],\"parameters\":{\"binary_data_output\":true}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code {"name":…,"datatype":…,"shape":[…]} without the closing brace. */
  private static void describe(InputTensor t, StringBuilder sb) {
    sb.append("{\"name\":\"")
        .append(t.name())
        .append("\",\"datatype\":\"")
        .append(t.datatype())
        .append("\",\"shape\":[");
    for (int d = 0; d < t.shape().length; d++) {
      if (d > 0) {
        sb.append(',');
      }
      sb.append(t.shape()[d]);
    }
    sb.append(']');
  }
}
