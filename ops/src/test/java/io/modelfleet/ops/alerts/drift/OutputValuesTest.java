package io.modelfleet.ops.alerts.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutputValuesTest {

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static double[] read(Tensor t, int max) {
    double[] into = new double[max];
    int n = OutputValues.read(t, into);
    return Arrays.copyOf(into, n);
  }

  @Test
  void readsEachNumericTypeLittleEndian() {
    assertArrayEquals(
        new double[] {1.5, -2},
        read(
            new Tensor(
                "a", DataType.FP32, new long[] {2}, le(8).putFloat(1.5f).putFloat(-2).array()),
            4));
    assertArrayEquals(
        new double[] {-3, 7},
        read(
            new Tensor("b", DataType.INT64, new long[] {2}, le(16).putLong(-3).putLong(7).array()),
            4));
    assertArrayEquals(
        new double[] {65535},
        read(
            new Tensor("c", DataType.UINT16, new long[] {1}, le(2).putShort((short) -1).array()),
            4));
    assertArrayEquals(
        new double[] {Math.pow(2, 64) - 1},
        read(new Tensor("d", DataType.UINT64, new long[] {1}, le(8).putLong(-1).array()), 4));
    assertArrayEquals(
        new double[] {0.5},
        read(
            new Tensor(
                "e", DataType.FP16, new long[] {1}, le(2).putShort(Half.toFp16(0.5f)).array()),
            4));
    assertEquals(0, read(new Tensor("f", DataType.BOOL, new long[] {1}, new byte[] {1}), 4).length);
  }

  @Test
  void aLargeTensorIsSampledEvenlyAndNonFiniteValuesAreSkipped() {
    ByteBuffer b = le(4 * 100);
    for (int i = 0; i < 100; i++) {
      b.putFloat(i == 50 ? Float.NaN : i);
    }
    Tensor t = new Tensor("y", DataType.FP32, new long[] {10, 10}, b.array());
    assertArrayEquals(new double[] {0, 25, 75}, read(t, 4));
  }
}
