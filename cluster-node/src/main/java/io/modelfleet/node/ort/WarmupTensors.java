package io.modelfleet.node.ort;

import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tensors of a warm-up: a deployment's own samples ({@link WarmupSample}), or the synthetic
 * zeros a replica tries when the deployment has none.
 *
 * <p>Random data follows Triton where Triton says what it does (BYTES falls back to zeros, that is
 * empty strings) and is otherwise: floats uniform in [0, 1), integers uniform in 1..100 (never
 * zero, so that integer divisions warm up), BOOL true or false.
 */
public final class WarmupTensors {

  /**
   * Largest synthetic warm-up a replica builds. Static shapes can be large (an image model's [1, 3,
   * 4096, 4096] is 200 MB of FP32); past this the synthetic warm-up is skipped, with a WARN, rather
   * than risking the heap for an optional step.
   */
  public static final long MAX_SYNTHETIC_BYTES = 64L << 20;

  private WarmupTensors() {}

  /** One tensor of a sample; the gateway already bounded its size. */
  public static Tensor of(WarmupSample.Input in) {
    return switch (in.fill()) {
      case DATA -> new Tensor(in.name(), in.datatype(), in.shape(), in.data());
      case ZERO -> zeros(in.name(), in.datatype(), in.shape());
      case RANDOM -> random(in.name(), in.datatype(), in.shape(), ThreadLocalRandom.current());
    };
  }

  /**
   * Zeros for a model input, with every dynamic dimension as 1; null when past {@link
   * #MAX_SYNTHETIC_BYTES}.
   */
  public static Tensor syntheticZeros(TensorSpec s) {
    long[] shape = s.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
    return bytes(s.datatype(), Tensor.elementCount(shape)) > MAX_SYNTHETIC_BYTES
        ? null
        : zeros(s.name(), s.datatype(), shape);
  }

  /**
   * Bytes a zero tensor of {@code n} elements takes (an empty BYTES string takes its 4-byte
   * length).
   */
  public static long bytes(DataType type, long n) {
    int width = type.fixedWidth() ? type.byteSize() : 4;
    return n < 0 || n > Long.MAX_VALUE / width ? Long.MAX_VALUE : n * width;
  }

  static Tensor zeros(String name, DataType type, long[] shape) {
    return new Tensor(
        name, type, shape, new byte[Math.toIntExact(bytes(type, Tensor.elementCount(shape)))]);
  }

  static Tensor random(String name, DataType type, long[] shape, Random rnd) {
    if (type == DataType.BYTES) {
      return zeros(name, type, shape);
    }
    int n = Math.toIntExact(Tensor.elementCount(shape));
    ByteBuffer b =
        ByteBuffer.allocate(Math.toIntExact(bytes(type, n))).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      int small = 1 + rnd.nextInt(100);
      switch (type) {
        case BOOL -> b.put((byte) (rnd.nextBoolean() ? 1 : 0));
        case UINT8, INT8 -> b.put((byte) small);
        case UINT16, INT16 -> b.putShort((short) small);
        case UINT32, INT32 -> b.putInt(small);
        case UINT64, INT64 -> b.putLong(small);
        case FP16 -> b.putShort(Half.toFp16(rnd.nextFloat()));
        case BF16 -> b.putShort(Half.toBf16(rnd.nextFloat()));
        case FP32 -> b.putFloat(rnd.nextFloat());
        case FP64 -> b.putDouble(rnd.nextDouble());
        default -> throw new IllegalStateException("no random data for " + type);
      }
    }
    return new Tensor(name, type, shape, b.array());
  }
}
