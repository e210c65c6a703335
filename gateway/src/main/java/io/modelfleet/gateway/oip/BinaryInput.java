package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorJson;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An input whose values travel in the binary part of the body ({@code "parameters":
 * {"binary_data_size": S}} and no {@code data}). The bytes are already the tensor's own encoding,
 * little-endian and, for BYTES, 4-byte-length framed, so they are taken as they are; only the
 * size is checked against the datatype and shape, because a wrong size means every value
 * after it would be read from the wrong offset.
 *
 * <p>Name, datatype and shape are read here with the same sentences as {@link TensorJson}, whose
 * parser insists on {@code data}.
 */
final class BinaryInput {

  private static final String VALID_TYPES =
      Arrays.stream(DataType.values()).map(Enum::name).collect(Collectors.joining(", "));

  private BinaryInput() {}

  /**
   * The {@code binary_data_size} parameter of input {@code index}, or null when the input is JSON.
   *
   * @throws ApiException 400 when the input's {@code parameters} is not an object
   */
  static JsonNode sizeParameter(JsonNode input, int index) {
    if (input == null || !input.isObject()) {
      return null;
    }
    JsonNode params = input.get("parameters");
    if (params == null || params.isNull()) {
      return null;
    }
    if (!params.isObject()) {
      JsonNode name = input.get("name");
      String who = name != null && name.isTextual() ? "input '" + name.textValue() + "'" : "inputs[" + index + "]";
      throw ApiException.badRequest(who + ": 'parameters' must be a JSON object, got " + Json.kind(params));
    }
    return params.get("binary_data_size");
  }

  /**
   * Reads the input and takes its section from {@code body}.
   *
   * @throws TensorFormatException when the input does not match its section
   * @throws ApiException when the body has too few bytes left
   */
  static Tensor parse(JsonNode input, JsonNode sizeNode, BinaryRequest body) {
    String name = name(input);
    String who = "input '" + name + "'";
    if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.longValue() < 0) {
      throw new TensorFormatException(
          who + ": 'binary_data_size' must be a non-negative integer, got " + Json.kind(sizeNode));
    }
    long size = sizeNode.longValue();
    JsonNode data = input.get("data");
    if (data != null && !data.isNull()) {
      throw new TensorFormatException(who + " has both 'data' and 'binary_data_size'; send its values one way");
    }
    DataType type = datatype(who, input.get("datatype"));
    long[] shape = shape(who, input.get("shape"));
    long count = count(who, shape);
    if (type.fixedWidth() && size != count * type.byteSize()) {
      throw new TensorFormatException(who + ": binary_data_size is " + size + " but " + type + " shape "
          + shapeText(shape) + " needs " + count * type.byteSize() + " bytes");
    }
    byte[] bytes = body.take(name, size);
    if (type == DataType.BYTES) {
      int elements = TensorJson.elementCountOfBytes(name, bytes);
      if (elements != count) {
        throw new TensorFormatException(who + ": binary data has " + elements
            + " BYTES elements but shape " + shapeText(shape) + " needs " + count);
      }
    }
    return new Tensor(name, type, shape, bytes);
  }

  private static String name(JsonNode input) {
    JsonNode n = input.get("name");
    if (n == null || n.isNull()) {
      throw new TensorFormatException("an input is missing its 'name'");
    }
    if (!n.isTextual()) {
      throw new TensorFormatException("input 'name' must be a string, got " + Json.kind(n));
    }
    return n.textValue();
  }

  private static DataType datatype(String who, JsonNode n) {
    if (n == null || n.isNull()) {
      throw new TensorFormatException(who + ": missing 'datatype'; expected one of " + VALID_TYPES);
    }
    DataType type = n.isTextual() ? DataType.parse(n.textValue()) : null;
    if (type == null) {
      String given = n.isTextual() ? "\"" + n.textValue() + "\"" : Json.kind(n);
      throw new TensorFormatException(who + ": unknown datatype " + given + "; expected one of " + VALID_TYPES);
    }
    return type;
  }

  private static long[] shape(String who, JsonNode n) {
    if (n == null || n.isNull()) {
      throw new TensorFormatException(who + ": missing 'shape'");
    }
    if (!n.isArray()) {
      throw new TensorFormatException(
          who + ": 'shape' must be an array of non-negative integers, got " + Json.kind(n));
    }
    long[] shape = new long[n.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = n.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw new TensorFormatException(who + ": 'shape' must be an array of non-negative integers,"
            + " but shape[" + i + "] is " + Json.kind(d));
      }
      shape[i] = d.longValue();
    }
    return shape;
  }

  /** Element count, bounded as the JSON codec bounds it so that count × width fits an array. */
  private static long count(String who, long[] shape) {
    long n = 1;
    try {
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    if (n > Integer.MAX_VALUE / 8) {
      throw new TensorFormatException(who + ": shape " + shapeText(shape) + " has too many elements");
    }
    return n;
  }

  static String shapeText(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
