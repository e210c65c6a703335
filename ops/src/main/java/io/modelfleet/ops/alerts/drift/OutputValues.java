package io.modelfleet.ops.alerts.drift;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;

/**
 * Reads a few numbers out of an output tensor for drift: integers and floats only (BOOL and BYTES
 * are not distributions one bins), at most {@code max} elements spread evenly over the tensor
 * (element i·count/max), non-finite values skipped. Reads the little-endian bytes in place: no copy
 * of the tensor, no allocation.
 */
public final class OutputValues {
  private OutputValues() {}

  /** Whether drift reads outputs of this type. */
  public static boolean numeric(DataType t) {
    return t != DataType.BOOL && t != DataType.BYTES;
  }

  /** Fills {@code into} with up to {@code into.length} values of {@code t}; returns how many. */
  public static int read(Tensor t, double[] into) {
    if (!numeric(t.datatype())) {
      return 0;
    }
    int width = t.datatype().byteSize();
    long elements = t.data().length / width;
    int take = (int) Math.min(elements, into.length);
    int n = 0;
    for (int i = 0; i < take; i++) {
      long element = take == elements ? i : (long) i * elements / take;
      double v = value(t.datatype(), t.data(), (int) (element * width));
      if (Double.isFinite(v)) {
        into[n++] = v;
      }
    }
    return n;
  }

  private static double value(DataType type, byte[] b, int at) {
    return switch (type) {
      case UINT8 -> b[at] & 0xFF;
      case INT8 -> b[at];
      case UINT16 -> (int) le(b, at, 2);
      case INT16 -> (short) le(b, at, 2);
      case UINT32 -> le(b, at, 4);
      case INT32 -> (int) le(b, at, 4);
      case UINT64 -> unsigned(le(b, at, 8));
      case INT64 -> le(b, at, 8);
      case FP16 -> Half.fromFp16((short) le(b, at, 2));
      case BF16 -> Half.fromBf16((short) le(b, at, 2));
      case FP32 -> Float.intBitsToFloat((int) le(b, at, 4));
      case FP64 -> Double.longBitsToDouble(le(b, at, 8));
      case BOOL, BYTES -> Double.NaN;
    };
  }

  /** {@code width} little-endian bytes at {@code at}, zero-extended. */
  private static long le(byte[] b, int at, int width) {
    long v = 0;
    for (int i = width - 1; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
  }
}
