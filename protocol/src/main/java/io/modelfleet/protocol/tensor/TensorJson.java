package io.modelfleet.protocol.tensor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads and writes tensors in the JSON form of the Open Inference Protocol (KServe v2):
 * {@code {"name": ..., "datatype": ..., "shape": [...], "data": [...]}}.
 *
 * <p>Parsing is strict because a silently truncated or wrapped number would become a wrong
 * prediction; every rejection is a {@link TensorFormatException} whose message names the input and
 * the field. Two leniencies: {@code data} may be flat or nested (it is read row-major and the
 * element count is checked against the shape, as Triton does; all elements must sit at one depth,
 * no deeper than the shape's rank), and an integer tensor accepts a JSON number with an integral
 * value such as {@code 3.0} or {@code 1e2}, because many client libraries serialise every number
 * as a double. Reading is done by the streaming {@link TensorReader}; float tensors accept the
 * non-finite values this class writes ("NaN", "Infinity", "-Infinity").
 */
public final class TensorJson {

  static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  static final String VALID_TYPES =
      Arrays.stream(DataType.values()).map(Enum::name).collect(Collectors.joining(", "));

  private TensorJson() {}

  /**
   * The name, datatype and shape of an input tensor object, validated, with its element count.
   * Shared by the JSON path ({@link #parseInput}) and Triton's binary extension, whose inputs carry
   * their values outside the JSON.
   */
  public record Header(String name, DataType datatype, long[] shape, long elementCount) {
    /** "input 'x'", the way every message about this input starts. */
    public String who() {
      return "input '" + name + "'";
    }
  }

  /**
   * Reads the header of an input given as a JSON tree (its {@code data}, if any, is not read).
   * For callers that hold a small tree already; inference requests are read with {@link
   * TensorReader} straight from the body.
   */
  public static Header parseHeader(JsonNode node) {
    return readTree(node, false).header();
  }

  /**
   * Parses one input tensor object given as a JSON tree into little-endian raw bytes, with the
   * same checks as {@link TensorReader}, which inference requests use directly.
   */
  public static Tensor parseInput(JsonNode node) {
    return readTree(node, true).tensor();
  }

  private static TensorReader.Input readTree(JsonNode node, boolean decode) {
    if (node == null || node.isMissingNode()) {
      throw new TensorFormatException("each input must be a JSON object, got nothing");
    }
    JsonNode ordered = node;
    if (node.isObject() && node.has("data")) {
      // The reader needs the header before the data; a tree cannot be reopened at an offset.
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("data")) {
          o.set(e.getKey(), e.getValue());
        }
      });
      o.set("data", node.get("data"));
      ordered = o;
    }
    try (JsonParser p = ordered.traverse()) {
      p.nextToken();
      return TensorReader.read(p, null, MemoryReservation.NONE, decode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
      throw new IllegalArgumentException("output '" + t.name() + "': " + data.length
          + " data bytes but " + type + " shape " + shapeText(t.shape()) + " needs "
          + count * type.byteSize());
    }
    if (type == DataType.BYTES) {
      int framed;
      try {
        framed = count(data, "output '" + t.name() + "': ");
      } catch (TensorFormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (framed != count) {
        throw new IllegalArgumentException("output '" + t.name() + "': " + framed
            + " BYTES elements but shape " + shapeText(t.shape()) + " needs " + count);
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
   * An upper bound on the bytes {@link #writeOutput} writes for {@code t}: the longest text of
   * each element (a float can take 16 characters with its comma, a BYTES byte 6 as an escape),
   * so a server can refuse an output before building it. A bound, not a guess, so that the
   * memory it protects is never exceeded.
   */
  public static long jsonSizeEstimate(Tensor t) {
    long count = t.elementCount();
    long perElement = switch (t.datatype()) {
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

  /**
   * Number of elements in BYTES-framed data (4-byte little-endian length, then the bytes).
   *
   * @throws TensorFormatException if an element's length prefix or body runs past the end
   */
  public static int elementCountOfBytes(byte[] framed) {
    return count(framed, "");
  }

  /** As {@link #elementCountOfBytes(byte[])}, with error messages naming input {@code name}. */
  public static int elementCountOfBytes(String name, byte[] framed) {
    return count(framed, "input '" + name + "': ");
  }

  private static int count(byte[] framed, String prefix) {
    ByteBuffer buf = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
    int n = 0;
    while (buf.hasRemaining()) {
      if (buf.remaining() < 4) {
        throw new TensorFormatException(prefix + "BYTES element " + n + " is truncated: "
            + buf.remaining() + " bytes left where a 4-byte length was expected");
      }
      long len = buf.getInt() & 0xffffffffL;
      if (len > buf.remaining()) {
        throw new TensorFormatException(prefix + "BYTES element " + n + " is truncated: length "
            + len + " but only " + buf.remaining() + " bytes left");
      }
      buf.position(buf.position() + (int) len);
      n++;
    }
    return n;
  }

  public static String shapeText(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }

  static long checkedCount(String who, long[] shape) {
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
      throw new TensorFormatException(who + ": shape " + shapeText(shape) + " has too many elements");
    }
    return n;
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

  /** The accepted range of a datatype, as error messages state it. */
  static String range(DataType type) {
    return switch (type) {
      case FP16 -> "-65504..65504";
      case BF16 -> "±3.3895314E38";
      case FP32 -> "±3.4028235E38";
      case FP64 -> "±1.7976931348623157E308";
      case UINT64 -> "0.." + UINT64_MAX;
      default -> min(type) + ".." + max(type);
    };
  }

  static long min(DataType t) {
    return switch (t) {
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0;
    };
  }

  static long max(DataType t) {
    return switch (t) {
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case UINT8 -> 0xff;
      case UINT16 -> 0xffff;
      case UINT32 -> 0xffffffffL;
      default -> Long.MAX_VALUE;
    };
  }
}
