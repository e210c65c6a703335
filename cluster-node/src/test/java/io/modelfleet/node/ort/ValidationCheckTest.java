package io.modelfleet.node.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Half;
import io.modelfleet.protocol.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationCheckTest {

  private static Tensor fp32(String name, float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return new Tensor(name, DataType.FP32, new long[] {1, v.length}, b.array());
  }

  private static Tensor int64(String name, long... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return new Tensor(name, DataType.INT64, new long[] {v.length}, b.array());
  }

  private static Tensor strings(String name, String... v) {
    ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    for (String s : v) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      b.putInt(u.length).put(u);
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return new Tensor(name, DataType.BYTES, new long[] {v.length}, out);
  }

  private static ValidationSample sample(Tensor expected, double atol, double rtol) {
    return new ValidationSample("s1", List.of(), List.of(expected), atol, rtol);
  }

  @Test
  void toleranceIsAbsolutePlusRelativeToTheExpectedValue() {
    assertTrue(ValidationCheck.close(1.0001, 1.0, 0, 1e-4));
    assertFalse(ValidationCheck.close(1.0002, 1.0, 0, 1e-4));
    assertTrue(ValidationCheck.close(1e-6, 0.0, 1e-5, 0));
    assertFalse(ValidationCheck.close(2e-5, 0.0, 1e-5, 0));
    assertTrue(ValidationCheck.close(Double.NaN, Double.NaN, 1, 1));
    assertFalse(ValidationCheck.close(Double.NaN, 0, 1, 1));
    assertFalse(ValidationCheck.close(0, Double.NaN, 1, 1));
    assertTrue(ValidationCheck.close(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0));
    assertFalse(ValidationCheck.close(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1, 1));
    assertFalse(ValidationCheck.close(1e300, Double.POSITIVE_INFINITY, 1, 1));
  }

  @Test
  void matchingFloatsPassAndTheFirstMismatchNamesSampleOutputIndexValuesAndDifference() {
    var s = sample(fp32("y", 1f, 2f, 3f), 1e-5, 1e-4);
    assertNull(ValidationCheck.mismatch(s, Map.of("y", fp32("y", 1f, 2.0001f, 3f))));
    String why = ValidationCheck.mismatch(s, Map.of("y", fp32("y", 1f, 2.5f, 4f)));
    assertEquals(
        "validation sample 's1': output 'y' element 1: expected 2.0, got 2.5"
            + " (difference 0.5, allowed "
            + (1e-5 + 1e-4 * 2.0)
            + ")",
        why);
  }

  @Test
  void halfPrecisionIsComparedAsItsValue() {
    byte[] e =
        ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(Half.toFp16(0.5f)).array();
    byte[] g =
        ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(Half.toFp16(0.75f)).array();
    var exp = new Tensor("h", DataType.FP16, new long[] {1}, e);
    assertNull(ValidationCheck.mismatch(sample(exp, 0, 0), Map.of("h", exp)));
    String why =
        ValidationCheck.mismatch(
            sample(exp, 0.1, 0), Map.of("h", new Tensor("h", DataType.FP16, new long[] {1}, g)));
    assertTrue(why.contains("expected 0.5, got 0.75"), why);
  }

  @Test
  void integersMatchExactlyWhateverTheTolerance() {
    var s = sample(int64("label", 3, 7), 10, 10);
    assertNull(ValidationCheck.mismatch(s, Map.of("label", int64("label", 3, 7))));
    assertEquals(
        "validation sample 's1': output 'label' element 1: expected 7, got 8 (must match exactly)",
        ValidationCheck.mismatch(s, Map.of("label", int64("label", 3, 8))));
  }

  @Test
  void bytesMatchExactly() {
    var s = sample(strings("t", "cat", "dog"), 1, 1);
    assertNull(ValidationCheck.mismatch(s, Map.of("t", strings("t", "cat", "dog"))));
    String why = ValidationCheck.mismatch(s, Map.of("t", strings("t", "cat", "dot")));
    assertTrue(why.endsWith("element 1: expected \"dog\", got \"dot\" (must match exactly)"), why);
  }

  @Test
  void aMissingOutputOrAnotherTypeOrShapeIsAMismatch() {
    var s = sample(fp32("y", 1f, 2f), 1, 1);
    assertTrue(ValidationCheck.mismatch(s, Map.of()).contains("output 'y' is missing"));
    assertTrue(
        ValidationCheck.mismatch(s, Map.of("y", int64("y", 1, 2)))
            .contains("is INT64, expected FP32"));
    assertTrue(
        ValidationCheck.mismatch(s, Map.of("y", fp32("y", 1f, 2f, 3f)))
            .contains("has shape [1,3], expected [1,2]"));
    assertNull(ValidationCheck.mismatch(s, Map.of("y", fp32("y", 1f, 2f), "z", fp32("z", 9f))));
  }
}
