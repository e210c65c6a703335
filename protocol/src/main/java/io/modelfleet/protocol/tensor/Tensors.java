package io.modelfleet.protocol.tensor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds tensors from Java arrays and reads them back, for callers and tests that want values
 * rather than raw little-endian bytes. Misuse (a value count that does not fit the shape, reading a
 * tensor as the wrong type) is a programming error and throws {@link IllegalArgumentException}.
 */
public final class Tensors {

  private Tensors() {}

  public static Tensor ofFloats(String name, long[] shape, float... v) {
    ByteBuffer b = allocate(name, shape, v.length, DataType.FP32);
    for (float x : v) {
      b.putFloat(x);
    }
    return new Tensor(name, DataType.FP32, shape.clone(), b.array());
  }

  public static Tensor ofDoubles(String name, long[] shape, double... v) {
    ByteBuffer b = allocate(name, shape, v.length, DataType.FP64);
    for (double x : v) {
      b.putDouble(x);
    }
    return new Tensor(name, DataType.FP64, shape.clone(), b.array());
  }

  /** An INT32 tensor. */
  public static Tensor ofInts(String name, long[] shape, int... v) {
    ByteBuffer b = allocate(name, shape, v.length, DataType.INT32);
    for (int x : v) {
      b.putInt(x);
    }
    return new Tensor(name, DataType.INT32, shape.clone(), b.array());
  }

  /** An INT64 tensor. */
  public static Tensor ofLongs(String name, long[] shape, long... v) {
    ByteBuffer b = allocate(name, shape, v.length, DataType.INT64);
    for (long x : v) {
      b.putLong(x);
    }
    return new Tensor(name, DataType.INT64, shape.clone(), b.array());
  }

  public static Tensor ofBools(String name, long[] shape, boolean... v) {
    ByteBuffer b = allocate(name, shape, v.length, DataType.BOOL);
    for (boolean x : v) {
      b.put((byte) (x ? 1 : 0));
    }
    return new Tensor(name, DataType.BOOL, shape.clone(), b.array());
  }

  /** A BYTES tensor of the UTF-8 encodings of {@code v}. */
  public static Tensor ofStrings(String name, long[] shape, String... v) {
    checkCount(name, shape, v.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : v) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return new Tensor(name, DataType.BYTES, shape.clone(), out.toByteArray());
  }

  /** Values of an FP32 tensor, or of an FP16/BF16 tensor widened exactly to float. */
  public static float[] floats(Tensor t) {
    DataType type = t.datatype();
    if (type != DataType.FP32 && type != DataType.FP16 && type != DataType.BF16) {
      throw wrongType(t, "FP32, FP16 or BF16");
    }
    ByteBuffer b = read(t);
    float[] v = new float[b.remaining() / type.byteSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          switch (type) {
            case FP16 -> Half.fromFp16(b.getShort());
            case BF16 -> Half.fromBf16(b.getShort());
            default -> b.getFloat();
          };
    }
    return v;
  }

  public static double[] doubles(Tensor t) {
    requireType(t, DataType.FP64);
    ByteBuffer b = read(t);
    double[] v = new double[b.remaining() / 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getDouble();
    }
    return v;
  }

  /** Values of an INT32 tensor. */
  public static int[] ints(Tensor t) {
    requireType(t, DataType.INT32);
    ByteBuffer b = read(t);
    int[] v = new int[b.remaining() / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getInt();
    }
    return v;
  }

  /** Values of an INT64 tensor. */
  public static long[] longs(Tensor t) {
    requireType(t, DataType.INT64);
    ByteBuffer b = read(t);
    long[] v = new long[b.remaining() / 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getLong();
    }
    return v;
  }

  public static boolean[] bools(Tensor t) {
    requireType(t, DataType.BOOL);
    byte[] data = t.data();
    boolean[] v = new boolean[data.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = data[i] != 0;
    }
    return v;
  }

  /** Elements of a BYTES tensor decoded as UTF-8 (malformed sequences become U+FFFD). */
  public static List<String> strings(Tensor t) {
    requireType(t, DataType.BYTES);
    byte[] data = t.data();
    try {
      Tensor.elementCountOfBytes(data);
    } catch (TensorFormatException e) {
      throw new IllegalArgumentException("tensor '" + t.name() + "': " + e.getMessage(), e);
    }
    ByteBuffer b = read(t);
    List<String> v = new ArrayList<>();
    while (b.hasRemaining()) {
      int len = b.getInt();
      v.add(new String(data, b.position(), len, StandardCharsets.UTF_8));
      b.position(b.position() + len);
    }
    return v;
  }

  private static ByteBuffer allocate(String name, long[] shape, int count, DataType type) {
    checkCount(name, shape, count);
    return ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void checkCount(String name, long[] shape, int count) {
    long needed = Tensor.elementCount(shape);
    if (needed != count) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': "
              + count
              + " values but shape "
              + Tensor.shapeText(shape)
              + " needs "
              + needed);
    }
  }

  private static ByteBuffer read(Tensor t) {
    return ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void requireType(Tensor t, DataType type) {
    if (t.datatype() != type) {
      throw wrongType(t, type.name());
    }
  }

  private static IllegalArgumentException wrongType(Tensor t, String wanted) {
    return new IllegalArgumentException(
        "tensor '" + t.name() + "' is " + t.datatype() + ", not " + wanted);
  }
}
