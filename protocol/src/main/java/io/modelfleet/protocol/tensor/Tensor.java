package io.modelfleet.protocol.tensor;

import java.util.Arrays;

/**
 * A named tensor as it travels between gateway and replica: raw bytes, never re-encoded numbers.
 *
 * <p>{@code data} is little-endian, row-major. Fixed-width types hold exactly
 * {@code elementCount() * datatype.byteSize()} bytes (BOOL is one byte per element, 0 or 1).
 * BYTES holds each element as a 4-byte little-endian length followed by that many bytes,
 * which is also the framing of Triton's binary tensor extension.
 */
public record Tensor(String name, DataType datatype, long[] shape, byte[] data) {

  public long elementCount() {
    return elementCount(shape);
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + datatype.hashCode()) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + datatype + " " + Arrays.toString(shape) + " " + data.length + "B]";
  }
}
