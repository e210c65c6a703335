package io.modelfleet.gateway.oip.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TreeTraversingParser;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Where the elements of one tensor go as {@link TensorReader} meets them, each validated for its
 * datatype before it is stored, and the buffer reserved and allocated only at the first good one.
 */
abstract class ElementSink {

  final TensorHeader h;
  final DataType type;
  final MemoryReservation budget;
  long index;

  ElementSink(TensorHeader h, MemoryReservation budget) {
    this.h = h;
    this.type = h.datatype();
    this.budget = budget;
  }

  abstract void put(JsonParser p, JsonToken t, long index) throws IOException;

  abstract byte[] finish();

  TensorFormatException wrongKind(JsonParser p, String wanted) throws IOException {
    return new TensorFormatException(
        h.who()
            + ": data element "
            + index
            + " is "
            + JsonValueText.describe(p)
            + ", but "
            + type
            + " needs "
            + wanted);
  }

  TensorFormatException outOfRange(JsonParser p) throws IOException {
    return new TensorFormatException(
        h.who()
            + ": data element "
            + index
            + " is "
            + JsonValueText.describe(p)
            + ", outside the "
            + type
            + " range "
            + type.rangeText());
  }

  static ElementSink of(TensorHeader h, MemoryReservation budget) {
    return h.datatype() == DataType.BYTES ? new StringSink(h, budget) : new FixedSink(h, budget);
  }

  /**
   * Fixed-width datatypes: one array of exactly count × width bytes, allocated at the first good
   * element.
   */
  private static final class FixedSink extends ElementSink {
    private byte[] buf;
    private int pos;

    FixedSink(TensorHeader h, MemoryReservation budget) {
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
      BigInteger big;
      if (t == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType nt = p.getNumberType();
        if (nt != JsonParser.NumberType.BIG_INTEGER) {
          long x = p.getLongValue();
          if (x < type.minValue() || x > type.maxValue()) {
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
      boolean inRange =
          type == DataType.UINT64
              ? big.signum() >= 0 && big.compareTo(DataType.UINT64_MAX) <= 0
              : big.bitLength() < 64
                  && big.longValue() >= type.minValue()
                  && big.longValue() <= type.maxValue();
      if (!inRange) {
        throw outOfRange(p);
      }
      // For UINT64 above 2^63-1 this wraps to the negative long with the same 64 bits.
      return big.longValue();
    }

    /**
     * A JSON number written with a fraction or exponent whose value is integral ({@code 3.0},
     * {@code 1e2}).
     */
    private BigInteger exactInteger(JsonParser p) throws IOException {
      BigDecimal d = p.getDecimalValue();
      if (d.signum() == 0) {
        return BigInteger.ZERO;
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

    /**
     * An FP16/BF16/FP32 value: finite values that overflow the type are refused, explicit
     * infinities kept.
     */
    private float narrow(JsonParser p, JsonToken t) throws IOException {
      Real r = real(p, t);
      float f = (float) r.value;
      if (!r.explicit) {
        float back =
            type == DataType.FP16
                ? Half.fromFp16(Half.toFp16(f))
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
   * first element, count × (4 + {@link DataType#BYTES_ELEMENT_OVERHEAD}) is reserved, so millions
   * of tiny strings are refused at once instead of after they were read.
   */
  private static final class StringSink extends ElementSink {
    private byte[] buf = new byte[0];
    private int pos;
    private boolean reserved;

    StringSink(TensorHeader h, MemoryReservation budget) {
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
        budget.reserve(h.who(), count * (4L + DataType.BYTES_ELEMENT_OVERHEAD));
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
        long grown =
            Math.max(
                need, Math.min(Integer.MAX_VALUE - 16L, buf.length + (long) (buf.length >> 1)));
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
        } else if (Character.isHighSurrogate(c)
            && i + 1 < end
            && Character.isLowSurrogate(chars[i + 1])) {
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
   * True for the token of a bare {@code NaN}, {@code Infinity} or {@code -Infinity} (a number never
   * ends in a letter). A tree has lost the text: its non-finite numbers count as overflow.
   */
  static boolean nonNumericLiteral(JsonParser p) throws IOException {
    if (p instanceof TreeTraversingParser) {
      return false;
    }
    String s = p.getText();
    return !s.isEmpty() && Character.isLetter(s.charAt(s.length() - 1));
  }
}
