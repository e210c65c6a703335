package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Models for rollout tests: one that fails at run time on some inputs. */
public final class RolloutModels {
  private RolloutModels() {}

  /**
   * Same signature as {@link TestModels#linear} with a 3 × 2 weight (x FP32 [batch, 3], y FP32
   * [batch, 2]), but y = the sum over j of table[int(x[j])] for a 10-row table: any element of x
   * outside [-10, 10) makes the Gather's index out of range, and ONNX Runtime fails the run.
   */
  public static byte[] gatherOnInput() {
    NodeProto cast =
        NodeProto.newBuilder()
            .setOpType("Cast")
            .setName("cast")
            .addInput("x")
            .addOutput("idx")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("to")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(TensorProto.DataType.INT64_VALUE))
            .build();
    NodeProto sum =
        NodeProto.newBuilder()
            .setOpType("ReduceSum")
            .setName("sum")
            .addInput("g")
            .addInput("axes")
            .addOutput("y")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("keepdims")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(0))
            .build();
    ByteBuffer raw = ByteBuffer.allocate(10 * 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 20; i++) {
      raw.putFloat(i % 2 == 0 ? i / 2f : 0f);
    }
    TensorProto table =
        TensorProto.newBuilder()
            .setName("table")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(raw.array()))
            .addDims(10)
            .addDims(2)
            .build();
    TensorProto axes =
        TensorProto.newBuilder()
            .setName("axes")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(1)
            .addInt64Data(1)
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("gather_on_input")
            .addNode(cast)
            .addNode(TestModels.node("Gather", new String[] {"table", "idx"}, "g"))
            .addNode(sum)
            .addInitializer(table)
            .addInitializer(axes)
            .addInput(TestModels.value("x", DataType.FP32, "batch", 3))
            .addOutput(TestModels.value("y", DataType.FP32, "batch", 2))
            .build();
    return TestModels.model(graph);
  }
}
