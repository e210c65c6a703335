package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.modelfleet.protocol.tensor.DataType;

/** Models that load and are Ready, but fail when they run. */
public final class FaultyModels {

  private FaultyModels() {}

  /**
   * Input "x" FP32 [batch, 3] (as {@link TestModels#linear} with three inputs), output "y" =
   * Reshape(x, [-1, 2]): loads like any model, and fails at run time (HTTP 500) for every request
   * of an odd batch, whose 3·batch elements do not divide into rows of 2; an even batch runs. So a
   * version that fails every one-row request, or, fed both, one that errors on some inputs only.
   */
  public static byte[] failsOnOddBatches() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("fails_at_runtime")
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
