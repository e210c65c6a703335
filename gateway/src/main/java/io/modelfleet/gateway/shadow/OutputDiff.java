package io.modelfleet.gateway.shadow;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a shadow's outputs differ from the baseline's on the same request. The outputs must match in
 * names, datatypes and shapes, else they are not comparable ({@link Result#mismatch}). Then, per
 * output, the largest absolute difference |c − b| and the largest relative difference |c − b| /
 * max(|b|, 1e-12) over its elements. Numbers compare as numbers (integers exactly, UINT64
 * unsigned); NaN equals only NaN, an infinity only the same infinity (else the difference is
 * infinite). BOOL and BYTES outputs are equal (0) or not (infinity). Pure.
 */
public final class OutputDiff {

  static final double REL_FLOOR = 1e-12;

  private OutputDiff() {}

  /**
   * The comparison: {@code mismatch} names why the outputs are not comparable (null when they are);
   * {@code maxAbs} and {@code maxRel} hold, per output name, the largest differences.
   */
  public record Result(String mismatch, Map<String, Double> maxAbs, Map<String, Double> maxRel) {}

  public static Result compare(List<Tensor> baseline, List<Tensor> candidate) {
    if (baseline.size() != candidate.size()) {
      return mismatch(
          "the baseline has " + baseline.size() + " outputs, the candidate " + candidate.size());
    }
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor c : candidate) {
      byName.put(c.name(), c);
    }
    Map<String, Double> abs = new HashMap<>();
    Map<String, Double> rel = new HashMap<>();
    for (Tensor b : baseline) {
      Tensor c = byName.get(b.name());
      if (c == null) {
        return mismatch("the candidate has no output '" + b.name() + "'");
      }
      if (b.datatype() != c.datatype()) {
        return mismatch(
            "output '" + b.name() + "' is " + b.datatype() + " and " + c.datatype() + " there");
      }
      if (!Arrays.equals(b.shape(), c.shape())) {
        return mismatch(
            "output '"
                + b.name()
                + "' has shape "
                + Tensor.shapeText(b.shape())
                + " and "
                + Tensor.shapeText(c.shape())
                + " there");
      }
      if (b.datatype().fixedWidth() && b.data().length != c.data().length) {
        return mismatch("output '" + b.name() + "' has data of another length");
      }
      double[] d = differences(b, c);
      abs.put(b.name(), d[0]);
      rel.put(b.name(), d[1]);
    }
    return new Result(null, abs, rel);
  }

  private static Result mismatch(String why) {
    return new Result(why, Map.of(), Map.of());
  }

  /** {max abs, max rel} over the elements of two outputs of one datatype, shape and length. */
  static double[] differences(Tensor b, Tensor c) {
    DataType dt = b.datatype();
    if (dt == DataType.BOOL || dt == DataType.BYTES) {
      double d = Arrays.equals(b.data(), c.data()) ? 0 : Double.POSITIVE_INFINITY;
      return new double[] {d, d};
    }
    ByteBuffer bb = ByteBuffer.wrap(b.data()).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer cb = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.data().length / dt.byteSize();
    double maxAbs = 0;
    double maxRel = 0;
    for (int i = 0; i < n; i++) {
      double abs;
      double base;
      if (isInteger(dt)) {
        long x = integer(dt, bb);
        long y = integer(dt, cb);
        abs = dt == DataType.UINT64 ? unsignedDistance(x, y) : Math.abs((double) y - (double) x);
        base = dt == DataType.UINT64 ? unsigned(x) : Math.abs((double) x);
      } else {
        double x = real(dt, bb);
        double y = real(dt, cb);
        abs = realDistance(x, y);
        base = Math.abs(x);
      }
      double r = abs == 0 ? 0 : abs / Math.max(Double.isFinite(base) ? base : 0, REL_FLOOR);
      if (Double.isInfinite(base) && abs != 0) {
        r = Double.POSITIVE_INFINITY;
      }
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, r);
    }
    return new double[] {maxAbs, maxRel};
  }

  /** 0 for equal values (NaN and NaN, the same infinity), else |y − x| or infinity. */
  static double realDistance(double x, double y) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.isNaN(x) && Double.isNaN(y) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (x == y) {
      return 0;
    }
    double d = Math.abs(y - x);
    return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
  }

  private static boolean isInteger(DataType dt) {
    return switch (dt) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> true;
      default -> false;
    };
  }

  private static long integer(DataType dt, ByteBuffer b) {
    return switch (dt) {
      case INT8 -> b.get();
      case UINT8 -> b.get() & 0xFFL;
      case INT16 -> b.getShort();
      case UINT16 -> b.getShort() & 0xFFFFL;
      case INT32 -> b.getInt();
      case UINT32 -> b.getInt() & 0xFFFFFFFFL;
      default -> b.getLong();
    };
  }

  private static double real(DataType dt, ByteBuffer b) {
    return switch (dt) {
      case FP16 -> Half.fromFp16(b.getShort());
      case BF16 -> Half.fromBf16(b.getShort());
      case FP32 -> b.getFloat();
      default -> b.getDouble();
    };
  }

  private static double unsigned(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }

  private static double unsignedDistance(long x, long y) {
    return Long.compareUnsigned(x, y) >= 0 ? unsigned(x - y) : unsigned(y - x);
  }
}
