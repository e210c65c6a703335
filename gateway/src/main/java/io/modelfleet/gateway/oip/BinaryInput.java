package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorJson;

/**
 * An input whose values travel in the binary part of the body ({@code "parameters":
 * {"binary_data_size": S}} and no {@code data}). The bytes are already the tensor's own encoding,
 * little-endian and, for BYTES, 4-byte-length framed, so they are taken as they are; only the
 * size is checked against the datatype and shape, because a wrong size means every value
 * after it would be read from the wrong offset.
 *
 * <p>Name, datatype and shape are read by {@link TensorJson#parseHeader}, as for JSON inputs.
 */
final class BinaryInput {

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
    TensorJson.Header h = TensorJson.parseHeader(input);
    String who = h.who();
    if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.longValue() < 0) {
      throw new TensorFormatException(
          who + ": 'binary_data_size' must be a non-negative integer, got " + Json.kind(sizeNode));
    }
    long size = sizeNode.longValue();
    JsonNode data = input.get("data");
    if (data != null && !data.isNull()) {
      throw new TensorFormatException(who + " has both 'data' and 'binary_data_size'; send its values one way");
    }
    DataType type = h.datatype();
    long count = h.elementCount();
    if (type.fixedWidth() && size != count * type.byteSize()) {
      throw new TensorFormatException(who + ": binary_data_size is " + size + " but " + type + " shape "
          + TensorJson.shapeText(h.shape()) + " needs " + count * type.byteSize() + " bytes");
    }
    byte[] bytes = body.take(h.name(), size);
    if (type == DataType.BYTES) {
      int elements = TensorJson.elementCountOfBytes(h.name(), bytes);
      if (elements != count) {
        throw new TensorFormatException(who + ": binary data has " + elements
            + " BYTES elements but shape " + TensorJson.shapeText(h.shape()) + " needs " + count);
      }
    }
    return new Tensor(h.name(), type, h.shape(), bytes);
  }
}
