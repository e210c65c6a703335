package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.modelfleet.protocol.tensor.DataType;

/**
 * Models of the kinds that ONNX Runtime serves but whose warm-up on synthetic zeros fails, or that
 * have no inputs at all: the corpus failures of issue 8, point 6. Built like {@link TestModels}.
 */
public final class CoverageModels {
  private CoverageModels() {}

  /** c = Div(a, b) of an integer type, all [n]: zeros for b divide by zero. */
  public static byte[] integerDiv(DataType dt) {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("div_" + dt.name().toLowerCase())
            .addNode(TestModels.node("Div", new String[] {"a", "b"}, "c"))
            .addInput(TestModels.value("a", dt, "n"))
            .addInput(TestModels.value("b", dt, "n"))
            .addOutput(TestModels.value("c", dt, "n"))
            .build();
    return TestModels.model(graph);
  }

  /** No inputs; output "k" FP32 [values.length] is a Constant node's value. */
  public static byte[] constant(float... values) {
    TensorProto.Builder value =
        TensorProto.newBuilder()
            .setName("k_value")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(values.length);
    for (float v : values) {
      value.addFloatData(v);
    }
    NodeProto constant =
        NodeProto.newBuilder()
            .setOpType("Constant")
            .setName("Constant_k")
            .addOutput("k")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(value))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("constant")
            .addNode(constant)
            .addOutput(TestModels.value("k", DataType.FP32, values.length))
            .build();
    return TestModels.model(graph);
  }
}
