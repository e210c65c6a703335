package io.modelfleet.gateway.oip.tensor;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;

/**
 * The name, datatype and shape of an input tensor object, validated, with its element count. Shared
 * by JSON inputs and Triton's binary extension, whose inputs carry their values outside the JSON,
 * so that both are bounded by the same element count check.
 */
public record TensorHeader(String name, DataType datatype, long[] shape, long elementCount) {

  /** "input 'x'", the way every message about this input starts. */
  public String who() {
    return "input '" + name + "'";
  }

  /**
   * The header of input {@code name}, refused when its element count would not fit a buffer.
   *
   * @throws TensorFormatException when the shape has too many elements
   */
  static TensorHeader checked(String name, DataType datatype, long[] shape) {
    return new TensorHeader(name, datatype, shape, checkedCount("input '" + name + "'", shape));
  }

  private static long checkedCount(String who, long[] shape) {
    long n = 1;
    try {
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    // Leaves room for the widest element so the byte array size cannot overflow an int.
    if (n > Integer.MAX_VALUE / 8) {
      throw new TensorFormatException(
          who + ": shape " + Tensor.shapeText(shape) + " has too many elements");
    }
    return n;
  }
}
