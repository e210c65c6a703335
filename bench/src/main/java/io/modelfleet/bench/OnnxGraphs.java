package io.modelfleet.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * The three models the bench builds in code, with tribuo-util-onnx's raw ONNX protobuf builders (as
 * the project's tests do): IR version 8, default-domain opset 17, dimension 0 symbolic so that a
 * server may batch along it.
 */
public final class OnnxGraphs {

  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;

  private OnnxGraphs() {}

  /**
   * y = x·W + b via one Gemm; "x" FP32 [batch, 4] to "y" FP32 [batch, 2]. So little work that a
   * request's time is nearly all serving overhead.
   */
  public static byte[] tiny() {
    float[] w = {0.5f, -1f, 0.25f, 2f, -0.75f, 0.125f, 1f, -0.5f};
    float[] b = {0.1f, -0.2f};
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("tiny_gemm")
            .addNode(node("Gemm", "y", "x", "W", "B"))
            .addInitializer(floats("W", w, 4, 2))
            .addInitializer(floats("B", b, 2))
            .addInput(fp32("x", 4))
            .addOutput(fp32("y", 2))
            .build();
    return model(graph);
  }

  /**
   * Triton's "simple" model, the tiny model of issue 12: "INPUT0" and "INPUT1" INT32 [batch, 16] to
   * "OUTPUT0" = INPUT0 + INPUT1 and "OUTPUT1" = INPUT0 − INPUT1. Two element-wise operators on 16
   * integers: a request's time is serving overhead.
   */
  public static byte[] simple() {
    int int32 = TensorProto.DataType.INT32_VALUE;
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("simple")
            .addNode(node("Add", "OUTPUT0", "INPUT0", "INPUT1"))
            .addNode(node("Sub", "OUTPUT1", "INPUT0", "INPUT1"))
            .addInput(tensor("INPUT0", int32, 16))
            .addInput(tensor("INPUT1", int32, 16))
            .addOutput(tensor("OUTPUT0", int32, 16))
            .addOutput(tensor("OUTPUT1", int32, 16))
            .build();
    return model(graph);
  }

  /**
   * Four layers of MatMul (2048×2048 FP32) + Relu: 64 MiB of weights, "x" [batch, 2048] to "y"
   * [batch, 2048]. At batch 1 every run streams all the weights through memory for one row, so
   * batching rows together is where its throughput comes from.
   */
  public static byte[] mlp(int width, int layers, long seed) {
    Random random = new Random(seed);
    // He initialisation keeps activations of order 1 through the Relus, so outputs are neither
    // all zero nor overflowing and can be compared between the raw and served runs.
    float scale = (float) Math.sqrt(2.0 / width);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("mlp").addInput(fp32("x", width));
    String previous = "x";
    for (int l = 0; l < layers; l++) {
      float[] w = new float[width * width];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian() * scale;
      }
      String weight = "W" + l;
      String product = "h" + l;
      String activation = l == layers - 1 ? "y" : "a" + l;
      graph
          .addInitializer(floats(weight, w, width, width))
          .addNode(node("MatMul", product, previous, weight))
          .addNode(node("Relu", activation, product));
      previous = activation;
    }
    return model(graph.addOutput(fp32("y", width)).build());
  }

  private static byte[] model(GraphProto graph) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("modelfleet-bench")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output);
    for (String in : inputs) {
      n.addInput(in);
    }
    return n.addOutput(output).build();
  }

  private static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(raw.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** FP32 [batch, width] with "batch" symbolic. */
  private static ValueInfoProto fp32(String name, long width) {
    return tensor(name, TensorProto.DataType.FLOAT_VALUE, width);
  }

  /** {@code elemType} [batch, width] with "batch" symbolic. */
  private static ValueInfoProto tensor(String name, int elemType, long width) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
            .build();
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
