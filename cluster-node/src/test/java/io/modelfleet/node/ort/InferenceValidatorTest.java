package io.modelfleet.node.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceValidatorTest {
  private static final List<TensorSpec> IN =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final List<TensorSpec> OUT =
      List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L)));

  private static String check(List<Tensor> inputs, List<String> outputs) {
    return InferenceValidator.problem(IN, OUT, new InferRequest("r", inputs, outputs));
  }

  private static Tensor x(long... shape) {
    return Tensors.ofFloats("x", shape, new float[(int) Tensor.elementCount(shape)]);
  }

  @Test
  void acceptsAnyBatchSizeOnADynamicDimension() {
    assertNull(check(List.of(x(1, 4)), List.of()));
    assertNull(check(List.of(x(7, 4)), List.of("y")));
  }

  @Test
  void namesTheProblem() {
    assertEquals(
        "unknown input 'z'; the model's inputs are [x]",
        check(List.of(Tensors.ofFloats("z", new long[] {1, 4}, new float[4])), List.of()));
    assertEquals("missing input 'x'; the model's inputs are [x]", check(List.of(), List.of()));
    assertEquals(
        "input 'x' has datatype INT32 but the model expects FP32",
        check(List.of(Tensors.ofInts("x", new long[] {1, 4}, new int[4])), List.of()));
    assertEquals(
        "input 'x' has shape [1, 3] but the model expects [-1, 4] (-1 is any size)",
        check(List.of(x(1, 3)), List.of()));
    assertEquals(
        "input 'x' has shape [4] but the model expects [-1, 4] (-1 is any size)",
        check(List.of(x(4)), List.of()));
    assertEquals("input 'x' is given more than once", check(List.of(x(1, 4), x(1, 4)), List.of()));
    assertEquals(
        "unknown output 'q'; the model's outputs are [y]", check(List.of(x(1, 4)), List.of("q")));
  }
}
