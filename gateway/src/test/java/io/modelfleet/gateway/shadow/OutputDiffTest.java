package io.modelfleet.gateway.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputDiffTest {

  private static final long[] TWO = {2};

  private static OutputDiff.Result compare(Tensor b, Tensor c) {
    return OutputDiff.compare(List.of(b), List.of(c));
  }

  @Test
  void floatsGiveTheLargestAbsoluteAndRelativeDifferencePerOutput() {
    var r =
        OutputDiff.compare(
            List.of(Tensors.ofFloats("y", TWO, 1f, 4f), Tensors.ofFloats("z", TWO, 0f, 0f)),
            List.of(Tensors.ofFloats("z", TWO, 0f, 0f), Tensors.ofFloats("y", TWO, 1.5f, 5f)));
    assertNull(r.mismatch());
    assertEquals(1.0, r.maxAbs().get("y"), 1e-9);
    assertEquals(0.5, r.maxRel().get("y"), 1e-9, "0.5/1 beats 1/4");
    assertEquals(0.0, r.maxAbs().get("z"));
    assertEquals(0.0, r.maxRel().get("z"));
  }

  @Test
  void aZeroBaselineIsDividedByTheFloor() {
    var r = compare(Tensors.ofDoubles("y", TWO, 0, 1), Tensors.ofDoubles("y", TWO, 1e-6, 1));
    assertEquals(1e-6, r.maxAbs().get("y"), 1e-15);
    assertEquals(1e6, r.maxRel().get("y"), 1e-3);
  }

  @Test
  void nanEqualsOnlyNanAndInfinitiesOnlyThemselves() {
    var same =
        compare(
            Tensors.ofFloats("y", TWO, Float.NaN, Float.POSITIVE_INFINITY),
            Tensors.ofFloats("y", TWO, Float.NaN, Float.POSITIVE_INFINITY));
    assertEquals(0.0, same.maxAbs().get("y"));
    assertEquals(0.0, same.maxRel().get("y"));
    var nan = compare(Tensors.ofFloats("y", TWO, 1, 2), Tensors.ofFloats("y", TWO, 1, Float.NaN));
    assertEquals(Double.POSITIVE_INFINITY, nan.maxAbs().get("y"));
    assertEquals(Double.POSITIVE_INFINITY, nan.maxRel().get("y"));
    var inf =
        compare(
            Tensors.ofFloats("y", TWO, Float.NEGATIVE_INFINITY, 0),
            Tensors.ofFloats("y", TWO, Float.POSITIVE_INFINITY, 0));
    assertEquals(Double.POSITIVE_INFINITY, inf.maxAbs().get("y"));
    assertEquals(Double.POSITIVE_INFINITY, inf.maxRel().get("y"));
  }

  @Test
  void integersCompareExactlyUint64Unsigned() {
    var ints = compare(Tensors.ofInts("y", TWO, -5, 7), Tensors.ofInts("y", TWO, -5, 10));
    assertEquals(3.0, ints.maxAbs().get("y"));
    assertEquals(3.0 / 7, ints.maxRel().get("y"), 1e-12);
    var big =
        compare(
            Tensors.ofLongs("y", TWO, Long.MIN_VALUE, 0),
            Tensors.ofLongs("y", TWO, Long.MAX_VALUE, 0));
    assertEquals(Math.pow(2, 64) - 1, big.maxAbs().get("y"), 1e4);
    Tensor u64a = new Tensor("y", DataType.UINT64, new long[] {1}, le(8, -1L));
    Tensor u64b = new Tensor("y", DataType.UINT64, new long[] {1}, le(8, -3L));
    var unsigned = compare(u64a, u64b);
    assertEquals(2.0, unsigned.maxAbs().get("y"), "2^64-1 vs 2^64-3");
    assertTrue(unsigned.maxRel().get("y") < 1e-18, unsigned.maxRel().toString());
    Tensor u8a = new Tensor("y", DataType.UINT8, TWO, new byte[] {(byte) 255, 0});
    Tensor u8b = new Tensor("y", DataType.UINT8, TWO, new byte[] {0, 0});
    assertEquals(255.0, compare(u8a, u8b).maxAbs().get("y"));
  }

  @Test
  void halfPrecisionIsReadAsItsValue() {
    Tensor a = new Tensor("y", DataType.FP16, new long[] {1}, le(2, Half.toFp16(1.0f) & 0xFFFFL));
    Tensor b = new Tensor("y", DataType.FP16, new long[] {1}, le(2, Half.toFp16(1.5f) & 0xFFFFL));
    assertEquals(0.5, compare(a, b).maxAbs().get("y"), 1e-3);
  }

  @Test
  void boolsAndStringsAreEqualOrNot() {
    var bools =
        compare(Tensors.ofBools("y", TWO, true, false), Tensors.ofBools("y", TWO, true, true));
    assertEquals(Double.POSITIVE_INFINITY, bools.maxAbs().get("y"));
    var strings =
        compare(Tensors.ofStrings("y", TWO, "a", "b"), Tensors.ofStrings("y", TWO, "a", "b"));
    assertEquals(0.0, strings.maxAbs().get("y"));
    assertEquals(0.0, strings.maxRel().get("y"));
  }

  @Test
  void namesTypesAndShapesMustMatch() {
    Tensor y = Tensors.ofFloats("y", TWO, 1, 2);
    assertTrue(
        compare(y, Tensors.ofFloats("y", new long[] {1, 2}, 1, 2)).mismatch().contains("shape"));
    assertTrue(compare(y, Tensors.ofDoubles("y", TWO, 1, 2)).mismatch().contains("FP64"));
    assertTrue(compare(y, Tensors.ofFloats("z", TWO, 1, 2)).mismatch().contains("no output 'y'"));
    var fewer = OutputDiff.compare(List.of(y, Tensors.ofFloats("z", TWO, 1, 2)), List.of(y));
    assertTrue(fewer.mismatch().contains("2 outputs"), fewer.mismatch());
    assertTrue(fewer.maxAbs().isEmpty());
  }

  private static byte[] le(int width, long v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    byte[] out = new byte[width];
    System.arraycopy(b.array(), 0, out, 0, width);
    return out;
  }
}
