package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.modelfleet.protocol.tensor.DataType;

/** Models for rollout tests. */
public final class RolloutModels {
  private RolloutModels() {}

  /**
   * Takes what {@link TestModels#linear} with a 3 × 2 weight takes (x FP32 [batch, 3]) and answers
   * y = Reshape(x, [-1, 2]): an even batch runs (its 3·batch elements make rows of 2), an odd batch
   * fails in ONNX Runtime at run time (HTTP 500). A version that errors on some inputs only.
   */
  public static byte[] failsOnOddBatches() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("fails_on_odd_batches")
            .addNode(TestModels.node("Reshape", new String[] {"x", "shape"}, "y"))
            .addInitializer(
                TensorProto.newBuilder()
                    .setName("shape")
                    .setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(2)
                    .addInt64Data(-1)
                    .addInt64Data(2))
            .addInput(TestModels.value("x", DataType.FP32, "batch", 3))
            .addOutput(TestModels.value("y", DataType.FP32, "rows", 2))
            .build();
    return TestModels.model(graph);
  }
}
