package io.modelfleet.protocol.tensor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
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
 * the field. Two leniencies: {@code data} may be nested (it is flattened row-major and only the
 * total element count is checked against the shape, as Triton does), and an integer tensor accepts
 * a JSON number with an integral value such as {@code 3.0} or {@code 1e2}, because many client
 * libraries serialise every number as a double.
 */
public final class TensorJson {

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final String VALID_TYPES =
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

  public static Header parseHeader(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new TensorFormatException("each input must be a JSON object, got " + describe(node));
    }
    JsonNode nameNode = node.get("name");
    if (nameNode == null || nameNode.isNull()) {
      throw new TensorFormatException("an input is missing its 'name'");
    }
    if (!nameNode.isTextual()) {
      throw new TensorFormatException("input 'name' must be a string, got " + describe(nameNode));
    }
    String name = nameNode.textValue();
    String who = "input '" + name + "'";

    JsonNode typeNode = node.get("datatype");
    if (typeNode == null || typeNode.isNull()) {
      throw new TensorFormatException(who + ": missing 'datatype'; expected one of " + VALID_TYPES);
    }
    DataType type = typeNode.isTextual() ? DataType.parse(typeNode.textValue()) : null;
    if (type == null) {
      String given = typeNode.isTextual() ? "\"" + typeNode.textValue() + "\"" : describe(typeNode);
      throw new TensorFormatException(
          who + ": unknown datatype " + given + "; expected one of " + VALID_TYPES);
    }
    long[] shape = parseShape(who, node.get("shape"));
    return new Header(name, type, shape, checkedCount(who, shape));
  }

  /** Parses one input tensor object of an inference request into little-endian raw bytes. */
  public static Tensor parseInput(JsonNode node) {
    Header h = parseHeader(node);
    String who = h.who();
    String name = h.name();
    DataType type = h.datatype();
    long[] shape = h.shape();
    long needed = h.elementCount();

    JsonNode data = node.get("data");
    if (data == null || data.isNull()) {
      throw new TensorFormatException(who + ": missing 'data'");
    }
    if (!data.isArray()) {
      throw new TensorFormatException(who + ": 'data' must be an array, got " + describe(data));
    }
    long have = countLeaves(data);
    if (have != needed) {
      throw new TensorFormatException(
          who + ": data has " + have + " elements but shape " + shapeText(shape) + " needs " + needed);
    }

    Encoder enc = new Encoder(who, type, (int) needed);
    enc.encodeAll(data);
    return new Tensor(name, type, shape, enc.bytes());
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

  private static long[] parseShape(String who, JsonNode shapeNode) {
    if (shapeNode == null || shapeNode.isNull()) {
      throw new TensorFormatException(who + ": missing 'shape'");
    }
    if (!shapeNode.isArray()) {
      throw new TensorFormatException(
          who + ": 'shape' must be an array of non-negative integers, got " + describe(shapeNode));
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw new TensorFormatException(who + ": 'shape' must be an array of non-negative integers,"
            + " but shape[" + i + "] is " + describe(d));
      }
      shape[i] = d.longValue();
    }
    return shape;
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
      throw new TensorFormatException(who + ": shape " + shapeText(shape) + " has too many elements");
    }
    return n;
  }

  private static long countLeaves(JsonNode node) {
    if (!node.isArray()) {
      return 1;
    }
    long n = 0;
    for (JsonNode child : node) {
      n += countLeaves(child);
    }
    return n;
  }

  /** Short, quoted description of a JSON value for error messages; long strings are cut. */
  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      String s = n.textValue();
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isObject()) {
      return "an object";
    }
    return n.asText();
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

  /** Encodes the leaves of a (possibly nested) data array in order, validating each one. */
  private static final class Encoder {
    private final String who;
    private final DataType type;
    private final ByteBuffer fixed;
    private final ByteArrayOutputStream framed;
    private int index;

    Encoder(String who, DataType type, int count) {
      this.who = who;
      this.type = type;
      if (type.fixedWidth()) {
        this.fixed = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        this.framed = null;
      } else {
        this.fixed = null;
        this.framed = new ByteArrayOutputStream();
      }
    }

    byte[] bytes() {
      return fixed != null ? fixed.array() : framed.toByteArray();
    }

    void encodeAll(JsonNode node) {
      if (node.isArray()) {
        for (JsonNode child : node) {
          encodeAll(child);
        }
      } else {
        encode(node);
        index++;
      }
    }

    private void encode(JsonNode v) {
      switch (type) {
        case BOOL -> {
          if (!v.isBoolean()) {
            throw wrongKind(v, "true or false");
          }
          fixed.put((byte) (v.booleanValue() ? 1 : 0));
        }
        case UINT8, INT8 -> fixed.put((byte) integer(v));
        case UINT16, INT16 -> fixed.putShort((short) integer(v));
        case UINT32, INT32 -> fixed.putInt((int) integer(v));
        case UINT64, INT64 -> fixed.putLong(integer(v));
        case FP16 -> fixed.putShort(Half.toFp16(floatValue(v)));
        case BF16 -> fixed.putShort(Half.toBf16(floatValue(v)));
        case FP32 -> fixed.putFloat(floatValue(v));
        case FP64 -> fixed.putDouble(doubleValue(v));
        case BYTES -> {
          if (!v.isTextual()) {
            throw wrongKind(v, "a string");
          }
          byte[] utf8 = v.textValue().getBytes(StandardCharsets.UTF_8);
          int len = utf8.length;
          framed.write(len);
          framed.write(len >>> 8);
          framed.write(len >>> 16);
          framed.write(len >>> 24);
          framed.write(utf8, 0, len);
        }
      }
    }

    /** The value in range for the datatype, as a long whose low bytes are the encoding. */
    private long integer(JsonNode v) {
      if (!v.isNumber()) {
        throw wrongKind(v, "an integer");
      }
      BigInteger big;
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        long x = v.longValue();
        if (x < min(type) || x > max(type)) {
          throw outOfRange(v);
        }
        return x;
      } else if (v.isIntegralNumber()) {
        big = v.bigIntegerValue();
      } else {
        big = exactInteger(v);
      }
      boolean inRange = type == DataType.UINT64
          ? big.signum() >= 0 && big.compareTo(UINT64_MAX) <= 0
          : big.bitLength() < 64 && big.longValue() >= min(type) && big.longValue() <= max(type);
      if (!inRange) {
        throw outOfRange(v);
      }
      // For UINT64 above 2^63-1 this wraps to the negative long with the same 64 bits.
      return big.longValue();
    }

    private BigInteger exactInteger(JsonNode v) {
      if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
        throw wrongKind(v, "an integer");
      }
      BigDecimal d = v.decimalValue();
      // Rejects absurd exponents before toBigIntegerExact would build a huge number.
      if (d.precision() - d.scale() > 40) {
        throw outOfRange(v);
      }
      try {
        return d.toBigIntegerExact();
      } catch (ArithmeticException e) {
        throw wrongKind(v, "an integer");
      }
    }

    private float floatValue(JsonNode v) {
      double d = doubleValue(v);
      float f = (float) d;
      float back = type == DataType.FP16 ? Half.fromFp16(Half.toFp16(f))
          : type == DataType.BF16 ? Half.fromBf16(Half.toBf16(f)) : f;
      if (Float.isInfinite(back)) {
        throw outOfRange(v);
      }
      return f;
    }

    private double doubleValue(JsonNode v) {
      if (!v.isNumber()) {
        throw wrongKind(v, "a number");
      }
      double d = v.doubleValue();
      if (Double.isInfinite(d)) {
        throw outOfRange(v);
      }
      return d;
    }

    private TensorFormatException wrongKind(JsonNode v, String wanted) {
      return new TensorFormatException(
          who + ": data element " + index + " is " + describe(v) + ", but " + type + " needs " + wanted);
    }

    private TensorFormatException outOfRange(JsonNode v) {
      String range = switch (type) {
        case FP16 -> "-65504..65504";
        case BF16 -> "±3.3895314E38";
        case FP32 -> "±3.4028235E38";
        case FP64 -> "±1.7976931348623157E308";
        case UINT64 -> "0.." + UINT64_MAX;
        default -> min(type) + ".." + max(type);
      };
      return new TensorFormatException(
          who + ": data element " + index + " is " + describe(v) + ", outside the " + type
              + " range " + range);
    }
  }

  private static long min(DataType t) {
    return switch (t) {
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0;
    };
  }

  private static long max(DataType t) {
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
