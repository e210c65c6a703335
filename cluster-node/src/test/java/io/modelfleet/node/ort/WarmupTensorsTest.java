package io.modelfleet.node.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WarmupTensorsTest {

  @Test
  void samplesBecomeTensorsOfTheirShape() {
    Tensor zeros =
        WarmupTensors.of(
            new WarmupSample.Input(
                "s", DataType.BYTES, new long[] {2, 3}, WarmupSample.Fill.ZERO, null));
    assertEquals(List.of("", "", "", "", "", ""), Tensors.strings(zeros));
    byte[] given = Tensors.ofInts("x", new long[] {2}, 6, 3).data();
    assertArrayEquals(
        given,
        WarmupTensors.of(
                new WarmupSample.Input(
                    "x", DataType.INT32, new long[] {2}, WarmupSample.Fill.DATA, given))
            .data());
  }

  @Test
  void randomIntegersAreNeverZeroAndFloatsAreInTheUnitInterval() {
    Random rnd = new Random(7);
    for (int v : Tensors.ints(WarmupTensors.random("x", DataType.INT32, new long[] {1000}, rnd))) {
      assertTrue(v >= 1 && v <= 100, "got " + v);
    }
    for (long v :
        Tensors.longs(WarmupTensors.random("x", DataType.INT64, new long[] {1000}, rnd))) {
      assertTrue(v >= 1 && v <= 100, "got " + v);
    }
    for (float v :
        Tensors.floats(WarmupTensors.random("x", DataType.FP32, new long[] {1000}, rnd))) {
      assertTrue(v >= 0 && v < 1, "got " + v);
    }
    // As in Triton, random BYTES fall back to zeros (empty strings).
    assertEquals(
        List.of("", ""),
        Tensors.strings(WarmupTensors.random("s", DataType.BYTES, new long[] {2}, rnd)));
  }

  @Test
  void syntheticZerosHaveDynamicDimensionsAsOneAndABound() {
    Tensor t = WarmupTensors.syntheticZeros(new TensorSpec("x", DataType.FP32, List.of(-1L, 3L)));
    assertArrayEquals(new long[] {1, 3}, t.shape());
    assertEquals(12, t.data().length);
    assertNull(
        WarmupTensors.syntheticZeros(
            new TensorSpec("img", DataType.FP32, List.of(1L, 3L, 4096L, 4096L))));
  }

  @Test
  void sessionThreadsAreClampedToTheNodesBound() {
    OrtSettings node = new OrtSettings(0, 0, OptLevel.ALL_OPT, 2);
    assertNull(node.clamped(new SessionSpec(2, 2, null, null), 1));
    assertEquals(
        "the deployment (or the node's modelfleet.ort defaults) asks for 8 intra-op and 0 inter-op ONNX Runtime"
            + " threads but this node allows at most 2"
            + " (modelfleet.limits.max-ort-threads, the node's processors by default); the session gets 2 and 0",
        node.clamped(new SessionSpec(8, 0, null, null), 1));
    assertTrue(
        new OrtSettings(64, 0, OptLevel.ALL_OPT, 2)
            .clamped(SessionSpec.DEFAULTS, 1)
            .contains("asks for 64 intra-op"));
  }
}
