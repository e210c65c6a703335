package io.modelfleet.protocol.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A named tensor as it travels between gateway and replica: raw bytes, never re-encoded numbers.
 *
 * <p>{@code data} is little-endian, row-major. Fixed-width types hold exactly {@code elementCount()
 * * datatype.byteSize()} bytes (BOOL is one byte per element, 0 or 1). BYTES holds each element as
 * a 4-byte little-endian length followed by that many bytes, which is also the framing of Triton's
 * binary tensor extension.
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

  /** The shape as messages write it: {@code [2,3]}. */
  public static String shapeText(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }

  /**
   * Number of elements in BYTES-framed data (4-byte little-endian length, then the bytes).
   *
   * @throws TensorFormatException if an element's length prefix or body runs past the end
   */
  public static int elementCountOfBytes(byte[] framed) {
    return countFramed(framed, "");
  }

  /**
   * As {@link #elementCountOfBytes(byte[])}, with error messages that start with {@code who}
   * ("input 'x'", "output 'y'").
   */
  public static int elementCountOfBytes(String who, byte[] framed) {
    return countFramed(framed, who + ": ");
  }

  private static int countFramed(byte[] framed, String prefix) {
    ByteBuffer buf = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
    int n = 0;
    while (buf.hasRemaining()) {
      if (buf.remaining() < 4) {
        throw new TensorFormatException(
            prefix
                + "BYTES element "
                + n
                + " is truncated: "
                + buf.remaining()
                + " bytes left where a 4-byte length was expected");
      }
      long len = buf.getInt() & 0xffffffffL;
      if (len > buf.remaining()) {
        throw new TensorFormatException(
            prefix
                + "BYTES element "
                + n
                + " is truncated: length "
                + len
                + " but only "
                + buf.remaining()
                + " bytes left");
      }
      buf.position(buf.position() + (int) len);
      n++;
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
    return "Tensor["
        + name
        + " "
        + datatype
        + " "
        + Arrays.toString(shape)
        + " "
        + data.length
        + "B]";
  }
}
