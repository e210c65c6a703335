package io.modelfleet.protocol.tensor;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Every tensor datatype of the Open Inference Protocol, with its element width in bytes and the
 * range of values it holds. BYTES has no fixed width: its elements are framed as a 4-byte
 * little-endian length and the bytes. The ranges live here, beside the widths, because every reader
 * of client values (JSON today, any other encoding tomorrow) must refuse the same values.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  BF16(2),
  FP32(4),
  FP64(8),
  BYTES(0);

  /**
   * Heap bytes a BYTES element costs beyond its own bytes while it is served: ONNX Runtime's Java
   * API takes strings, so each element becomes a {@code String} and its array (about 56 bytes for a
   * short one) on the way in, and again on the way out. Counting it keeps a body of millions of
   * one-character strings from passing as a small request.
   */
  public static final int BYTES_ELEMENT_OVERHEAD = 64;

  /** The largest UINT64 value, 2^64 - 1, which no {@code long} holds. */
  public static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or 0 for BYTES (variable width). */
  public int byteSize() {
    return byteSize;
  }

  public boolean fixedWidth() {
    return byteSize > 0;
  }

  /**
   * The smallest value of an integer datatype; 0 for the unsigned ones. Meaningless for the
   * floating-point types and BYTES, whose values are checked otherwise.
   */
  public long minValue() {
    return switch (this) {
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0;
    };
  }

  /**
   * The largest value of an integer datatype that a {@code long} holds: for UINT64 that is {@link
   * Long#MAX_VALUE}, and larger values are compared with {@link #UINT64_MAX}. Meaningless for the
   * floating-point types and BYTES.
   */
  public long maxValue() {
    return switch (this) {
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case UINT8 -> 0xff;
      case UINT16 -> 0xffff;
      case UINT32 -> 0xffffffffL;
      default -> Long.MAX_VALUE;
    };
  }

  /** The accepted range as error messages state it ({@code -128..127}, {@code ±3.4028235E38}). */
  public String rangeText() {
    return switch (this) {
      case FP16 -> "-65504..65504";
      case BF16 -> "±3.3895314E38";
      case FP32 -> "±3.4028235E38";
      case FP64 -> "±1.7976931348623157E308";
      case UINT64 -> "0.." + UINT64_MAX;
      default -> minValue() + ".." + maxValue();
    };
  }

  /** Parses an OIP datatype name ("FP32"); null when the name is not a datatype of the protocol. */
  public static DataType parse(String name) {
    if (name == null) {
      return null;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
