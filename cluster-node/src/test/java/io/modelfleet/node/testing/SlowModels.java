package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A model whose run takes as long as its caller asks, with a small request and a small answer: the
 * row "x" (FP32 [1, width]) is tiled to {@code reps[0]} rows (input "reps", INT64 [2], e.g. [4000,
 * 1]), pushed through {@code layers} MatMuls with one width × width weight, and summed back to one
 * row "y" (FP32 [1, width]). A run costs reps × width² × layers multiply-adds, so a test can hold a
 * replica busy for a second without sending megabytes, whatever the machine's speed within a factor
 * of ten.
 */
public final class SlowModels {
  private SlowModels() {}

  public static byte[] tiledMatMuls(int width, int layers) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("slow")
            .addNode(TestModels.node("Tile", new String[] {"x", "reps"}, "h0"))
            .addInitializer(weight(width))
            .addInitializer(axes())
            .addInput(TestModels.value("x", DataType.FP32, 1, width))
            .addInput(TestModels.value("reps", DataType.INT64, 2))
            .addOutput(TestModels.value("y", DataType.FP32, 1, width));
    for (int i = 0; i < layers; i++) {
      g.addNode(TestModels.node("MatMul", new String[] {"h" + i, "W"}, "h" + (i + 1)));
    }
    NodeProto sum =
        NodeProto.newBuilder()
            .setOpType("ReduceSum")
            .setName("sum")
            .addInput("h" + layers)
            .addInput("axes")
            .addOutput("y")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("keepdims")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(1))
            .build();
    g.addNode(sum);
    return TestModels.model(g.build());
  }

  /** The JSON request for one run over {@code rows} tiled rows. */
  public static String request(int width, int rows) {
    StringBuilder x = new StringBuilder();
    for (int i = 0; i < width; i++) {
      x.append(i == 0 ? "" : ",").append(i % 7 == 0 ? "0.5" : "0.25");
    }
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,"
        + width
        + "],\"data\":["
        + x
        + "]},{\"name\":\"reps\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":["
        + rows
        + ",1]}]}";
  }

  /** width × width, every entry 1/width, so values stay bounded through the layers. */
  private static TensorProto weight(int width) {
    ByteBuffer raw = ByteBuffer.allocate(width * width * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < width * width; i++) {
      raw.putFloat(1f / width);
    }
    return TensorProto.newBuilder()
        .setName("W")
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(raw.array()))
        .addDims(width)
        .addDims(width)
        .build();
  }

  private static TensorProto axes() {
    return TensorProto.newBuilder()
        .setName("axes")
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(1)
        .addInt64Data(0)
        .build();
  }
}
