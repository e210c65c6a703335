package io.modelfleet.gateway.oip.tensor;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes output tensors in the JSON form of the Open Inference Protocol (KServe v2): {@code
 * {"name": ..., "datatype": ..., "shape": [...], "data": [...]}}, the counterpart of {@link
 * TensorReader}. It lives apart from the reader because writing trusts the tensor (a mismatch is a
 * server bug) while reading trusts nothing the client sends.
 */
public final class TensorWriter {

  private TensorWriter() {}

  /**
   * Writes {@code t} as an output tensor object with flat {@code data}. UINT64 is written unsigned,
   * FP16 and BF16 as the floats they denote, FP32 in the shortest form that reads back as the same
   * float. BYTES elements are decoded as UTF-8; bytes that are not valid UTF-8 are written with
   * U+FFFD replacement characters, so binary BYTES outputs are lossy in JSON and clients that need
   * them exact must ask for the binary tensor extension. Non-finite floats follow the generator's
   * settings (quoted "NaN" by default).
   *
   * @throws IllegalArgumentException if {@code t.data()} does not hold what its datatype and shape
   *     say: a server-side bug rather than a client error
   */
  public static void writeOutput(Tensor t, JsonGenerator g) throws IOException {
    long count = t.elementCount();
    byte[] data = t.data();
    DataType type = t.datatype();
    if (type.fixedWidth() && data.length != count * type.byteSize()) {
      throw new IllegalArgumentException(
          "output '"
              + t.name()
              + "': "
              + data.length
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
        framed = Tensor.elementCountOfBytes("output '" + t.name() + "'", data);
      } catch (TensorFormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
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

    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeStringField("datatype", type.name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("data");
    writeData(type, data, (int) count, g);
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * An upper bound on the bytes {@link #writeOutput} writes for {@code t}: the longest text of each
   * element (a float can take 16 characters with its comma, a BYTES byte 6 as an escape), so a
   * server can refuse an output before building it. A bound, not a guess, so that the memory it
   * protects is never exceeded.
   */
  public static long jsonSizeEstimate(Tensor t) {
    long count = t.elementCount();
    long perElement =
        switch (t.datatype()) {
          case BOOL -> 6;
          case UINT8 -> 4;
          case INT8 -> 5;
          case UINT16 -> 6;
          case INT16 -> 7;
          case UINT32 -> 11;
          case INT32 -> 12;
          case UINT64, INT64 -> 21;
          case FP16, BF16, FP32 -> 16;
          case FP64 -> 25;
          case BYTES -> 3;
        };
    long text = t.datatype() == DataType.BYTES ? 6L * Math.max(0, t.data().length - 4L * count) : 0;
    return 128 + t.name().length() * 6L + 21L * t.shape().length + count * perElement + text;
  }

  private static void writeData(DataType type, byte[] data, int count, JsonGenerator g)
      throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (type) {
        case BOOL -> g.writeBoolean(buf.get() != 0);
        case UINT8 -> g.writeNumber(buf.get() & 0xff);
        case UINT16 -> g.writeNumber(buf.getShort() & 0xffff);
        case UINT32 -> g.writeNumber(buf.getInt() & 0xffffffffL);
        case UINT64 -> {
          long v = buf.getLong();
          if (v >= 0) {
            g.writeNumber(v);
          } else {
            g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
          }
        }
        case INT8 -> g.writeNumber(buf.get());
        case INT16 -> g.writeNumber(buf.getShort());
        case INT32 -> g.writeNumber(buf.getInt());
        case INT64 -> g.writeNumber(buf.getLong());
        case FP16 -> g.writeNumber(Half.fromFp16(buf.getShort()));
        case BF16 -> g.writeNumber(Half.fromBf16(buf.getShort()));
        case FP32 -> g.writeNumber(buf.getFloat());
        case FP64 -> g.writeNumber(buf.getDouble());
        case BYTES -> {
          int len = buf.getInt();
          g.writeString(new String(data, buf.position(), len, StandardCharsets.UTF_8));
          buf.position(buf.position() + len);
        }
      }
    }
  }
}
