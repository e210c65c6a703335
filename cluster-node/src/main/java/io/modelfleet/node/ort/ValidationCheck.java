package io.modelfleet.node.ort;

import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Compares a model's outputs with a {@link ValidationSample}'s expected ones; pure.
 *
 * <p>Floating-point elements (FP16, BF16, FP32, FP64, compared as doubles) match when {@code
 * |actual - expected| <= atol + rtol * |expected|}; NaN matches only NaN and an infinity only the
 * same infinity. BOOL, integer and BYTES elements match exactly. The first mismatch is reported, as
 * the replica's failure reason: the sample, the output, the element's flat index, both values and
 * the difference.
 */
public final class ValidationCheck {

  /** BYTES values longer than this are cut in a reason. */
  static final int MAX_SHOWN_CHARS = 64;

  private ValidationCheck() {}

  /**
   * Null when every expected output of {@code sample} is in {@code actual} (by name) and matches;
   * otherwise why not.
   */
  public static String mismatch(ValidationSample sample, Map<String, Tensor> actual) {
    for (Tensor expected : sample.outputs()) {
      String problem = compare(expected, actual.get(expected.name()), sample.atol(), sample.rtol());
      if (problem != null) {
        return "validation sample '"
            + sample.name()
            + "': output '"
            + expected.name()
            + "' "
            + problem;
      }
    }
    return null;
  }

  static String compare(Tensor expected, Tensor got, double atol, double rtol) {
    if (got == null) {
      return "is missing from the model's outputs";
    }
    if (got.datatype() != expected.datatype()) {
      return "is " + got.datatype() + ", expected " + expected.datatype();
    }
    if (!Arrays.equals(got.shape(), expected.shape())) {
      return "has shape "
          + Tensor.shapeText(got.shape())
          + ", expected "
          + Tensor.shapeText(expected.shape());
    }
    DataType type = expected.datatype();
    if (type == DataType.BYTES) {
      return compareBytes(expected.data(), got.data());
    }
    ByteBuffer e = ByteBuffer.wrap(expected.data()).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer g = ByteBuffer.wrap(got.data()).order(ByteOrder.LITTLE_ENDIAN);
    int width = type.byteSize();
    long n = Math.min(expected.data().length, got.data().length) / width;
    for (int i = 0; i < n; i++) {
      int at = i * width;
      if (isFloat(type)) {
        double a = real(type, g, at);
        double b = real(type, e, at);
        if (!close(a, b, atol, rtol)) {
          return "element "
              + i
              + ": expected "
              + b
              + ", got "
              + a
              + " (difference "
              + Math.abs(a - b)
              + ", allowed "
              + (atol + rtol * Math.abs(b))
              + ")";
        }
      } else if (!Arrays.equals(expected.data(), at, at + width, got.data(), at, at + width)) {
        String b = exact(type, e, at);
        String a = exact(type, g, at);
        return "element " + i + ": expected " + b + ", got " + a + " (must match exactly)";
      }
    }
    if (expected.data().length != got.data().length) {
      return "has " + got.data().length + " bytes, expected " + expected.data().length;
    }
    return null;
  }

  /** {@code |a - b| <= atol + rtol * |b|}, with NaN equal only to NaN. */
  public static boolean close(double a, double b, double atol, double rtol) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return a == b;
    }
    return Math.abs(a - b) <= atol + rtol * Math.abs(b);
  }

  private static boolean isFloat(DataType t) {
    return t == DataType.FP16 || t == DataType.BF16 || t == DataType.FP32 || t == DataType.FP64;
  }

  private static double real(DataType t, ByteBuffer b, int at) {
    return switch (t) {
      case FP16 -> Half.fromFp16(b.getShort(at));
      case BF16 -> Half.fromBf16(b.getShort(at));
      case FP32 -> b.getFloat(at);
      default -> b.getDouble(at);
    };
  }

  private static String exact(DataType t, ByteBuffer b, int at) {
    return switch (t) {
      case BOOL -> b.get(at) != 0 ? "true" : "false";
      case UINT8 -> Integer.toString(Byte.toUnsignedInt(b.get(at)));
      case INT8 -> Byte.toString(b.get(at));
      case UINT16 -> Integer.toString(Short.toUnsignedInt(b.getShort(at)));
      case INT16 -> Short.toString(b.getShort(at));
      case UINT32 -> Integer.toUnsignedString(b.getInt(at));
      case INT32 -> Integer.toString(b.getInt(at));
      case UINT64 -> Long.toUnsignedString(b.getLong(at));
      default -> Long.toString(b.getLong(at));
    };
  }

  private static String compareBytes(byte[] expected, byte[] got) {
    ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer g = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; e.remaining() >= 4 || g.remaining() >= 4; i++) {
      byte[] b = next(e);
      byte[] a = next(g);
      if (a == null || b == null || !Arrays.equals(a, b)) {
        return "element "
            + i
            + ": expected "
            + shown(b)
            + ", got "
            + shown(a)
            + " (must match exactly)";
      }
    }
    return null;
  }

  /** The next framed element, or null at the end (or a frame that runs past it). */
  private static byte[] next(ByteBuffer b) {
    if (b.remaining() < 4) {
      return null;
    }
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) {
      b.position(b.limit());
      return null;
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  private static String shown(byte[] v) {
    if (v == null) {
      return "no element";
    }
    String s = new String(v, StandardCharsets.UTF_8);
    return "\""
        + (s.length() > MAX_SHOWN_CHARS ? s.substring(0, MAX_SHOWN_CHARS) + "..." : s)
        + "\"";
  }
}
