package io.modelfleet.protocol.tensor;

/**
 * Conversions between {@code float} and the two 16-bit float formats of the protocol: IEEE 754
 * binary16 (FP16) and bfloat16 (BF16). Narrowing rounds to nearest, ties to even, like a hardware
 * conversion, so values a model produced in half precision survive a float round trip exactly.
 * (Java 17 has no {@code Float.floatToFloat16}; that arrived in Java 20.)
 */
public final class Half {

  private Half() {}

  /** FP16 bits of {@code f}; out-of-range magnitudes become infinity, NaN stays NaN. */
  public static short toFp16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) {
      if (abs == 0x7f800000) {
        return (short) (sign | 0x7c00);
      }
      // Keep the top payload bits but force the quiet bit so the NaN cannot collapse to infinity.
      return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
    }
    int exp = (abs >>> 23) - 127 + 15;
    if (exp >= 31) {
      return (short) (sign | 0x7c00);
    }
    if (exp <= 0) {
      if (exp < -10) {
        // Below half the smallest subnormal (2^-25): rounds to zero.
        return (short) sign;
      }
      int mant = (abs & 0x7fffff) | 0x800000;
      int shift = 14 - exp;
      return (short) (sign | roundShift(mant, shift));
    }
    int result = (exp << 10) | ((abs >>> 13) & 0x3ff);
    int rest = abs & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (result & 1) != 0)) {
      // A carry out of the mantissa correctly bumps the exponent, and past 30 lands on infinity.
      result++;
    }
    return (short) (sign | result);
  }

  /** The float whose value is exactly the FP16 {@code h}; every FP16 value is representable. */
  public static float fromFp16(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** BF16 bits of {@code f}: the top half of the float, rounded to nearest even. */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      // Truncating a NaN whose payload sits in the low half would yield infinity; keep it quiet
      // NaN.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** The float whose value is exactly the BF16 {@code b}. */
  public static float fromBf16(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  private static int roundShift(int mant, int shift) {
    int result = mant >>> shift;
    int rest = mant & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rest > half || (rest == half && (result & 1) != 0)) {
      result++;
    }
    return result;
  }
}
