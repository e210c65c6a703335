package io.modelfleet.protocol.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TreeTraversingParser;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one input tensor object of an inference request from a streaming {@link JsonParser}
 * straight into its little-endian buffer, never through a tree of JSON nodes: a request holds
 * about as much memory as its tensors' real size, not the size of the JSON text's object graph.
 *
 * <p>Everything is checked while it is read. The element count can never pass the shape's
 * product, the first element of the wrong kind (a {@code {}} in an FP32 tensor) fails before any
 * buffer is allocated, and every buffer is announced to a {@link MemoryReservation} before it is
 * allocated. {@code data} may be flat or nested (it is read row-major), but all its elements must
 * sit at one depth, no deeper than the shape's rank.
 *
 * <p>Members may come in any order. When {@code data} comes before {@code name}, {@code datatype}
 * or {@code shape}, it is skipped (which allocates nothing) and read again from its byte offset
 * once the object ends, through the caller's {@link Source}.
 *
 * <p>Floats accept what {@link TensorJson#writeOutput} writes for non-finite values, the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, and the bare literals {@code NaN},
 * {@code Infinity} and {@code -Infinity} that some clients send (when the parser allows them), so
 * that a response can be sent back as a request. A finite literal too large for its type is
 * still refused: {@code 1e39} for FP32 is a mistake, not infinity.
 */
public final class TensorReader {

  /**
   * Heap bytes a BYTES element costs beyond its own bytes while it is served: ONNX Runtime's Java
   * API takes strings, so each element becomes a {@code String} and its array (about 56 bytes
   * for a short one) on the way in, and again on the way out. Counting it keeps a body of
   * millions of one-character strings from passing as a small request.
   */
  public static final int BYTES_ELEMENT_OVERHEAD = 64;

  /** More dimensions than any model uses (NumPy allows 64); bounds the shape array. */
  public static final int MAX_RANK = 64;

  private TensorReader() {}

  /** Opens a parser on the same JSON text, positioned before the token at {@code byteOffset}. */
  @FunctionalInterface
  public interface Source {
    JsonParser parserAt(long byteOffset) throws IOException;
  }

  /**
   * One input object: its validated header and either its decoded data or, for an input whose
   * values follow the JSON (Triton's binary extension), the size of its binary section.
   *
   * @param data the tensor's bytes, or null for a binary input
   * @param binaryDataSize the {@code binary_data_size} parameter, or -1 for a JSON input
   */
  public record Input(TensorJson.Header header, byte[] data, long binaryDataSize) {
    public boolean binary() {
      return data == null;
    }

    /** The tensor of a JSON input. */
    public Tensor tensor() {
      if (data == null) {
        throw new TensorFormatException(header.who() + ": missing 'data'");
      }
      return new Tensor(header.name(), header.datatype(), header.shape(), data);
    }
  }

  /**
   * Reads the input object whose first token is the parser's current token and leaves the
   * parser on its closing brace.
   *
   * @param source reopens the text when {@code data} precedes the header; null when the caller
   *     guarantees it does not (a tree reordered with {@code data} last)
   * @throws TensorFormatException naming the input and field for any malformed input
   * @throws IOException for JSON syntax errors
   */
  public static Input read(JsonParser p, Source source, MemoryReservation budget) throws IOException {
    return read(p, source, budget, true);
  }

  static Input read(JsonParser p, Source source, MemoryReservation budget, boolean decode) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new TensorFormatException("each input must be a JSON object, got " + describe(p));
    }
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "name" -> f.name(p, t);
        case "datatype" -> f.datatype(p, t);
        case "shape" -> f.shape(p, t);
        case "parameters" -> f.parameters(p, t);
        case "data" -> {
          if (f.dataSeen) {
            throw new TensorFormatException(f.who() + ": 'data' is given more than once");
          }
          f.dataSeen = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.VALUE_NULL) {
            continue;
          }
          if (t != JsonToken.START_ARRAY) {
            f.dataProblem = describe(p);
          } else if (!decode) {
            p.skipChildren();
          } else if (f.headerComplete() || source == null) {
            f.data = readData(p, f.header(), budget);
          } else {
            f.dataOffset = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return f.finish(source, budget, decode);
  }

  /** The raw members of an input object, validated in a fixed order once they are all known. */
  private static final class Fields {
    private String name;
    private String nameProblem;
    private boolean typeSeen;
    private String typeText;
    private String typeProblem;
    private boolean shapeSeen;
    private long[] shape;
    private String shapeProblem;
    private String parametersProblem;
    private boolean sizeSeen;
    private long size = -1;
    private String sizeProblem;
    private boolean dataSeen;
    private String dataProblem;
    private long dataOffset = -1;
    private byte[] data;
    private TensorJson.Header header;

    String who() {
      return name != null ? "input '" + name + "'" : "an input";
    }

    boolean headerComplete() {
      return (name != null || nameProblem != null) && typeSeen && shapeSeen;
    }

    void name(JsonParser p, JsonToken t) throws IOException {
      name = null;
      nameProblem = null;
      if (t == JsonToken.VALUE_STRING) {
        name = p.getText();
      } else if (t != JsonToken.VALUE_NULL) {
        nameProblem = describe(p);
      }
    }

    void datatype(JsonParser p, JsonToken t) throws IOException {
      typeSeen = t != JsonToken.VALUE_NULL;
      typeText = t == JsonToken.VALUE_STRING ? p.getText() : null;
      typeProblem = t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL ? null : describe(p);
    }

    void shape(JsonParser p, JsonToken t) throws IOException {
      shapeSeen = t != JsonToken.VALUE_NULL;
      shape = null;
      shapeProblem = null;
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_ARRAY) {
        shapeProblem = "got " + describe(p);
        return;
      }
      long[] dims = new long[4];
      int n = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        JsonToken d = p.currentToken();
        boolean ok = d == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() >= 0;
        if (!ok) {
          shapeProblem = "but shape[" + n + "] is " + describe(p);
          skipRestOfArray(p);
          return;
        }
        if (n == MAX_RANK) {
          shapeProblem = "but it has more than " + MAX_RANK + " dimensions";
          skipRestOfArray(p);
          return;
        }
        if (n == dims.length) {
          dims = Arrays.copyOf(dims, n * 2);
        }
        dims[n++] = p.getLongValue();
      }
      shape = Arrays.copyOf(dims, n);
    }

    void parameters(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        return;
      }
      if (t != JsonToken.START_OBJECT) {
        parametersProblem = kind(p);
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (!key.equals("binary_data_size")) {
          p.skipChildren();
          continue;
        }
        sizeSeen = true;
        size = -1;
        sizeProblem = null;
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            && p.getLongValue() >= 0) {
          size = p.getLongValue();
        } else {
          sizeProblem = kind(p);
        }
      }
    }

    TensorJson.Header header() {
      if (header != null) {
        return header;
      }
      if (name == null && nameProblem == null) {
        throw new TensorFormatException("an input is missing its 'name'");
      }
      if (nameProblem != null) {
        throw new TensorFormatException("input 'name' must be a string, got " + nameProblem);
      }
      String who = who();
      if (!typeSeen) {
        throw new TensorFormatException(who + ": missing 'datatype'; expected one of " + TensorJson.VALID_TYPES);
      }
      DataType type = typeText == null ? null : DataType.parse(typeText);
      if (type == null) {
        String given = typeText != null ? "\"" + typeText + "\"" : typeProblem;
        throw new TensorFormatException(
            who + ": unknown datatype " + given + "; expected one of " + TensorJson.VALID_TYPES);
      }
      if (!shapeSeen) {
        throw new TensorFormatException(who + ": missing 'shape'");
      }
      if (shapeProblem != null) {
        throw new TensorFormatException(who + ": 'shape' must be an array of non-negative integers, " + shapeProblem);
      }
      header = new TensorJson.Header(name, type, shape, TensorJson.checkedCount(who, shape));
      return header;
    }

    Input finish(Source source, MemoryReservation budget, boolean decode) throws IOException {
      if (parametersProblem != null) {
        String who = name != null ? "input '" + name + "'" : "an input";
        throw new TensorFormatException(who + ": 'parameters' must be a JSON object, got " + parametersProblem);
      }
      TensorJson.Header h = header();
      if (sizeSeen) {
        if (sizeProblem != null) {
          throw new TensorFormatException(
              h.who() + ": 'binary_data_size' must be a non-negative integer, got " + sizeProblem);
        }
        if (dataSeen) {
          throw new TensorFormatException(h.who() + " has both 'data' and 'binary_data_size'; send its values one way");
        }
        return new Input(h, null, size);
      }
      if (!dataSeen) {
        throw new TensorFormatException(h.who() + ": missing 'data'");
      }
      if (dataProblem != null) {
        throw new TensorFormatException(h.who() + ": 'data' must be an array, got " + dataProblem);
      }
      if (!decode) {
        return new Input(h, new byte[0], -1);
      }
      if (data == null) {
        try (JsonParser again = source.parserAt(dataOffset)) {
          again.nextToken();
          data = readData(again, h, budget);
        }
      }
      return new Input(h, data, -1);
    }
  }

  /** Reads the array the parser is on into a buffer for {@code h}; leaves the parser on its end. */
  static byte[] readData(JsonParser p, TensorJson.Header h, MemoryReservation budget) throws IOException {
    Sink sink = h.datatype() == DataType.BYTES ? new StringSink(h, budget) : new FixedSink(h, budget);
    int rank = h.shape().length;
    int maxDepth = Math.max(1, rank);
    long needed = h.elementCount();
    int depth = 1;
    int leafDepth = -1;
    long index = 0;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
        if (depth > maxDepth) {
          throw new TensorFormatException(h.who() + ": data is nested " + depth + " deep but shape "
              + TensorJson.shapeText(h.shape()) + " has " + rank + " dimension" + (rank == 1 ? "" : "s"));
        }
        if (leafDepth != -1 && depth > leafDepth) {
          throw mixedDepths(h, index, depth, leafDepth);
        }
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (t == null) {
        throw new TensorFormatException(h.who() + ": 'data' ends before its closing bracket");
      } else {
        if (leafDepth == -1) {
          leafDepth = depth;
        } else if (depth != leafDepth) {
          throw mixedDepths(h, index, depth, leafDepth);
        }
        if (index == needed) {
          throw new TensorFormatException(h.who() + ": data has more than " + needed + " elements but shape "
              + TensorJson.shapeText(h.shape()) + " needs " + needed);
        }
        sink.put(p, t, index);
        index++;
      }
    }
    if (index != needed) {
      throw new TensorFormatException(h.who() + ": data has " + index + " elements but shape "
          + TensorJson.shapeText(h.shape()) + " needs " + needed);
    }
    return sink.finish();
  }

  private static TensorFormatException mixedDepths(TensorJson.Header h, long index, int depth, int leafDepth) {
    return new TensorFormatException(h.who() + ": data element " + index + " is nested " + depth
        + " deep where earlier elements are nested " + leafDepth + " deep; send 'data' flat, or nested"
        + " the same way throughout like shape " + TensorJson.shapeText(h.shape()));
  }

  /** Where the elements of one tensor go, validated one by one. */
  private abstract static class Sink {
    final TensorJson.Header h;
    final DataType type;
    final MemoryReservation budget;
    long index;

    Sink(TensorJson.Header h, MemoryReservation budget) {
      this.h = h;
      this.type = h.datatype();
      this.budget = budget;
    }

    abstract void put(JsonParser p, JsonToken t, long index) throws IOException;

    abstract byte[] finish();

    TensorFormatException wrongKind(JsonParser p, String wanted) throws IOException {
      return new TensorFormatException(h.who() + ": data element " + index + " is " + describe(p) + ", but "
          + type + " needs " + wanted);
    }

    TensorFormatException outOfRange(JsonParser p) throws IOException {
      return new TensorFormatException(h.who() + ": data element " + index + " is " + describe(p)
          + ", outside the " + type + " range " + TensorJson.range(type));
    }
  }

  /** Fixed-width datatypes: one array of exactly count × width bytes, allocated at the first good element. */
  private static final class FixedSink extends Sink {
    private byte[] buf;
    private int pos;

    FixedSink(TensorJson.Header h, MemoryReservation budget) {
      super(h, budget);
      if (h.elementCount() == 0) {
        buf = new byte[0];
      }
    }

    private void allocate() {
      if (buf == null) {
        long bytes = h.elementCount() * type.byteSize();
        budget.reserve(h.who(), bytes);
        buf = new byte[(int) bytes];
      }
    }

    @Override
    void put(JsonParser p, JsonToken t, long index) throws IOException {
      this.index = index;
      switch (type) {
        case BOOL -> {
          if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw wrongKind(p, "true or false");
          }
          allocate();
          buf[pos++] = (byte) (t == JsonToken.VALUE_TRUE ? 1 : 0);
        }
        case UINT8, INT8 -> store(integer(p, t), 1);
        case UINT16, INT16 -> store(integer(p, t), 2);
        case UINT32, INT32 -> store(integer(p, t), 4);
        case UINT64, INT64 -> store(integer(p, t), 8);
        case FP16 -> store(Half.toFp16(narrow(p, t)), 2);
        case BF16 -> store(Half.toBf16(narrow(p, t)), 2);
        case FP32 -> store(Float.floatToRawIntBits(narrow(p, t)), 4);
        case FP64 -> store(Double.doubleToRawLongBits(real(p, t).value), 8);
        default -> throw new IllegalStateException("not a fixed-width type: " + type);
      }
    }

    /** Little-endian, the low {@code width} bytes of {@code v}. */
    private void store(long v, int width) {
      allocate();
      for (int i = 0; i < width; i++) {
        buf[pos++] = (byte) (v >>> (8 * i));
      }
    }

    @Override
    byte[] finish() {
      return buf;
    }

    /** The value in range for the datatype, as a long whose low bytes are the encoding. */
    private long integer(JsonParser p, JsonToken t) throws IOException {
      java.math.BigInteger big;
      if (t == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.BIG_INTEGER) {
          long x = p.getLongValue();
          if (x < TensorJson.min(type) || x > TensorJson.max(type)) {
            throw outOfRange(p);
          }
          return x;
        }
        big = p.getBigIntegerValue();
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        if (nonNumericLiteral(p)) {
          throw wrongKind(p, "an integer");
        }
        big = exactInteger(p);
      } else {
        throw wrongKind(p, "an integer");
      }
      boolean inRange = type == DataType.UINT64
          ? big.signum() >= 0 && big.compareTo(TensorJson.UINT64_MAX) <= 0
          : big.bitLength() < 64 && big.longValue() >= TensorJson.min(type) && big.longValue() <= TensorJson.max(type);
      if (!inRange) {
        throw outOfRange(p);
      }
      // For UINT64 above 2^63-1 this wraps to the negative long with the same 64 bits.
      return big.longValue();
    }

    /** A JSON number written with a fraction or exponent whose value is integral ({@code 3.0}, {@code 1e2}). */
    private java.math.BigInteger exactInteger(JsonParser p) throws IOException {
      java.math.BigDecimal d = p.getDecimalValue();
      if (d.signum() == 0) {
        return java.math.BigInteger.ZERO;
      }
      // Strip first: 1e-999999999 must not make toBigIntegerExact build a huge power of ten.
      d = d.stripTrailingZeros();
      if (d.scale() > 0) {
        throw wrongKind(p, "an integer");
      }
      if (d.precision() - d.scale() > 40) {
        throw outOfRange(p);
      }
      return d.toBigIntegerExact();
    }

    /** An FP16/BF16/FP32 value: finite values that overflow the type are refused, explicit infinities kept. */
    private float narrow(JsonParser p, JsonToken t) throws IOException {
      Real r = real(p, t);
      float f = (float) r.value;
      if (!r.explicit) {
        float back = type == DataType.FP16 ? Half.fromFp16(Half.toFp16(f))
            : type == DataType.BF16 ? Half.fromBf16(Half.toBf16(f)) : f;
        if (Float.isInfinite(back)) {
          throw outOfRange(p);
        }
      }
      return f;
    }

    private record Real(double value, boolean explicit) {}

    private Real real(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        double d = p.getDoubleValue();
        if (Double.isFinite(d)) {
          return new Real(d, false);
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT && nonNumericLiteral(p)) {
          return new Real(d, true);
        }
        throw outOfRange(p);
      }
      if (t == JsonToken.VALUE_STRING) {
        switch (p.getText()) {
          case "NaN" -> {
            return new Real(Double.NaN, true);
          }
          case "Infinity", "+Infinity" -> {
            return new Real(Double.POSITIVE_INFINITY, true);
          }
          case "-Infinity" -> {
            return new Real(Double.NEGATIVE_INFINITY, true);
          }
          default -> throw wrongKind(p, "a number");
        }
      }
      throw wrongKind(p, "a number");
    }
  }

  /**
   * BYTES: each element framed as a 4-byte little-endian length and its UTF-8 bytes. Before the
   * first element, count × (4 + {@link #BYTES_ELEMENT_OVERHEAD}) is reserved, so millions of tiny
   * strings are refused at once instead of after they were read.
   */
  private static final class StringSink extends Sink {
    private byte[] buf = new byte[0];
    private int pos;
    private boolean reserved;

    StringSink(TensorJson.Header h, MemoryReservation budget) {
      super(h, budget);
    }

    @Override
    void put(JsonParser p, JsonToken t, long index) throws IOException {
      this.index = index;
      if (t != JsonToken.VALUE_STRING) {
        throw wrongKind(p, "a string");
      }
      if (!reserved) {
        reserved = true;
        long count = h.elementCount();
        budget.reserve(h.who(), count * (4L + BYTES_ELEMENT_OVERHEAD));
        buf = new byte[(int) Math.min(count * 8, 1 << 16)];
      }
      char[] chars = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      ensure(4 + 3L * len);
      int start = pos;
      pos += 4;
      encodeUtf8(chars, off, len);
      int n = pos - start - 4;
      buf[start] = (byte) n;
      buf[start + 1] = (byte) (n >>> 8);
      buf[start + 2] = (byte) (n >>> 16);
      buf[start + 3] = (byte) (n >>> 24);
    }

    private void ensure(long more) {
      long need = pos + more;
      if (need > Integer.MAX_VALUE - 16) {
        throw new TensorFormatException(h.who() + ": BYTES data is too large");
      }
      if (need > buf.length) {
        long grown = Math.max(need, Math.min(Integer.MAX_VALUE - 16L, buf.length + (long) (buf.length >> 1)));
        buf = Arrays.copyOf(buf, (int) grown);
      }
    }

    /** As {@code String.getBytes(UTF_8)}: an unpaired surrogate becomes '?'. */
    private void encodeUtf8(char[] chars, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        char c = chars[i];
        if (c < 0x80) {
          buf[pos++] = (byte) c;
        } else if (c < 0x800) {
          buf[pos++] = (byte) (0xC0 | (c >> 6));
          buf[pos++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
          int cp = Character.toCodePoint(c, chars[++i]);
          buf[pos++] = (byte) (0xF0 | (cp >> 18));
          buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          buf[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          buf[pos++] = '?';
        } else {
          buf[pos++] = (byte) (0xE0 | (c >> 12));
          buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          buf[pos++] = (byte) (0x80 | (c & 0x3F));
        }
      }
    }

    @Override
    byte[] finish() {
      if (h.elementCount() > 0) {
        budget.reserve(h.who(), pos - 4L * h.elementCount());
      }
      return buf.length == pos ? buf : Arrays.copyOf(buf, pos);
    }
  }

  /**
   * True for the token of a bare {@code NaN}, {@code Infinity} or {@code -Infinity} (a number
   * never ends in a letter). A tree has lost the text: its non-finite numbers count as overflow.
   */
  private static boolean nonNumericLiteral(JsonParser p) throws IOException {
    if (p instanceof TreeTraversingParser) {
      return false;
    }
    String s = p.getText();
    return !s.isEmpty() && Character.isLetter(s.charAt(s.length() - 1));
  }

  private static void skipRestOfArray(JsonParser p) throws IOException {
    p.skipChildren();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
    }
  }

  /**
   * A short description of the current value for error messages ({@code the string "abc"},
   * {@code an object}, {@code 2.5}); skips a container's contents.
   */
  public static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "the string \"" + clip(p.getText()) + "\"";
      case START_ARRAY -> {
        p.skipChildren();
        yield "an array";
      }
      case START_OBJECT -> {
        p.skipChildren();
        yield "an object";
      }
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> clip(p.getText());
      default -> "nothing";
    };
  }

  /**
   * The kind of the current value in the gateway's words ({@code a string}, {@code the number
   * -4}, {@code an array}); skips a container's contents.
   */
  public static String kind(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + clip(p.getText());
      default -> describe(p);
    };
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
