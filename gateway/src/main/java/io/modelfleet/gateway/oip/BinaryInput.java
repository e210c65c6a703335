package io.modelfleet.gateway.oip;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.gateway.oip.tensor.TensorHeader;
import io.modelfleet.gateway.oip.tensor.TensorReader;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;

/**
 * An input whose values travel in the binary part of the body ({@code "parameters":
 * {"binary_data_size": S}} and no {@code data}). The bytes are already the tensor's own encoding,
 * little-endian and, for BYTES, 4-byte-length framed, so they are taken as they are; only the size
 * is checked against the datatype and shape, because a wrong size means every value after it would
 * be read from the wrong offset.
 *
 * <p>Name, datatype, shape and the size are read by {@link TensorReader}, as for JSON inputs.
 */
final class BinaryInput {

  private BinaryInput() {}

  /**
   * Takes the section of {@code in} from {@code body}.
   *
   * @throws TensorFormatException when the input does not match its section
   * @throws RuntimeException whatever {@code budget} throws to refuse the memory
   * @throws ApiException when the body has too few bytes left
   */
  static Tensor take(TensorReader.Input in, BinaryRequest body, MemoryReservation budget) {
    TensorHeader h = in.header();
    String who = h.who();
    long size = in.binaryDataSize();
    DataType type = h.datatype();
    long count = h.elementCount();
    if (type.fixedWidth() && size != count * type.byteSize()) {
      throw new TensorFormatException(
          who
              + ": binary_data_size is "
              + size
              + " but "
              + type
              + " shape "
              + Tensor.shapeText(h.shape())
              + " needs "
              + count * type.byteSize()
              + " bytes");
    }
    // The section is copied out of the body; BYTES elements cost more once they reach the model.
    budget.reserve(
        who, size + (type == DataType.BYTES ? count * DataType.BYTES_ELEMENT_OVERHEAD : 0));
    byte[] bytes = body.take(h.name(), size);
    if (type == DataType.BYTES) {
      int elements = Tensor.elementCountOfBytes(h.who(), bytes);
      if (elements != count) {
        throw new TensorFormatException(
            who
                + ": binary data has "
                + elements
                + " BYTES elements but shape "
                + Tensor.shapeText(h.shape())
                + " needs "
                + count);
      }
    }
    return new Tensor(h.name(), type, h.shape(), bytes);
  }
}
