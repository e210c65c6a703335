package io.modelfleet.node.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Small ONNX models built in code, so tests need no binary fixtures and each model's behaviour is
 * readable next to the test that uses it. All are IR version 8, default-domain opset 17.
 */
public final class TestModels {

  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;

  private TestModels() {}

  /** y = x·W + b via Gemm; input "x" FP32 [batch, in], output "y" FP32 [batch, out]. */
  public static byte[] linear(float[][] w, float[] b) {
    int in = w.length;
    int out = w[0].length;
    float[] flat = new float[in * out];
    for (int i = 0; i < in; i++) {
      if (w[i].length != out) {
        throw new IllegalArgumentException("ragged weight matrix at row " + i);
      }
      System.arraycopy(w[i], 0, flat, i * out, out);
    }
    if (b.length != out) {
      throw new IllegalArgumentException(
          "bias has " + b.length + " values, W has " + out + " columns");
    }
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("linear")
            .addNode(node("Gemm", new String[] {"x", "W", "B"}, "y"))
            .addInitializer(floats("W", flat, in, out))
            .addInitializer(floats("B", b, out))
            .addInput(value("x", DataType.FP32, "batch", in))
            .addOutput(value("y", DataType.FP32, "batch", out))
            .build();
    return model(graph);
  }

  /** The output {@link #linear} gives for one input row. */
  public static float[] linearExpected(float[][] w, float[] b, float[] row) {
    float[] y = new float[b.length];
    for (int j = 0; j < y.length; j++) {
      double acc = b[j];
      for (int i = 0; i < row.length; i++) {
        acc += (double) row[i] * w[i][j];
      }
      y[j] = (float) acc;
    }
    return y;
  }

  /** out = Identity(in), both of {@code dt} with two dynamic dimensions. */
  public static byte[] identity(DataType dt) {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("identity_" + dt.name().toLowerCase())
            .addNode(node("Identity", new String[] {"in"}, "out"))
            .addInput(value("in", dt, "d0", "d1"))
            .addOutput(value("out", dt, "d0", "d1"))
            .build();
    return model(graph);
  }

  /**
   * out = Cast(in, to); input "in" of {@code from}, output "out" of {@code to}, both [n]. Lets a
   * test get a tensor of a type ORT's Java API cannot create (UINT32...) out of a session.
   */
  public static byte[] cast(DataType from, DataType to) {
    NodeProto cast =
        node("Cast", new String[] {"in"}, "out").toBuilder()
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("to")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(elemType(to)))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("cast")
            .addNode(cast)
            .addInput(value("in", from, "n"))
            .addOutput(value("out", to, "n"))
            .build();
    return model(graph);
  }

  /**
   * Input "x" FP32 [batch, 3]; outputs "doubled" = x * 2 ([batch, 3]) and "sum" = the sum of each
   * row ([batch]), in that order.
   */
  public static byte[] twoOutputs() {
    TensorProto axes =
        TensorProto.newBuilder()
            .setName("axes")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(1)
            .addInt64Data(1)
            .build();
    NodeProto reduce =
        node("ReduceSum", new String[] {"x", "axes"}, "sum").toBuilder()
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("keepdims")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(0))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("two_outputs")
            .addNode(node("Mul", new String[] {"x", "two"}, "doubled"))
            .addNode(reduce)
            .addInitializer(floats("two", new float[] {2f}))
            .addInitializer(axes)
            .addInput(value("x", DataType.FP32, "batch", 3))
            .addOutput(value("doubled", DataType.FP32, "batch", 3))
            .addOutput(value("sum", DataType.FP32, "batch"))
            .build();
    return model(graph);
  }

  /**
   * Two FP32 inputs "a" and "b" [batch, 2]; output "c" = a + b. For mixing JSON and binary inputs.
   */
  public static byte[] add() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("add")
            .addNode(
                NodeProto.newBuilder().setOpType("Add").addInput("a").addInput("b").addOutput("c"))
            .addInput(value("a", DataType.FP32, "batch", 2))
            .addInput(value("b", DataType.FP32, "batch", 2))
            .addOutput(value("c", DataType.FP32, "batch", 2))
            .build();
    return model(graph);
  }

  /**
   * out = Tile(x, repeats): input "x" FP32 [1,4] (16 bytes), input "repeats" INT64 [2], output
   * "out" FP32 [repeats[0], 4·repeats[1]]. A model of about a hundred bytes whose output is as
   * large as the client asks: repeats [4000,1000] make 4000×4000 floats (64 MB).
   */
  public static byte[] tile() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("tile")
            .addNode(node("Tile", new String[] {"x", "repeats"}, "out"))
            .addInput(value("x", DataType.FP32, 1, 4))
            .addInput(value("repeats", DataType.INT64, 2))
            .addOutput(value("out", DataType.FP32, "rows", "cols"))
            .build();
    return model(graph);
  }

  /** Bytes that no ONNX runtime will accept as a model. */
  public static byte[] invalid() {
    return "this is not an onnx model".getBytes(StandardCharsets.US_ASCII);
  }

  /** The ONNX TensorProto.DataType number of one of our datatypes. */
  public static int elemType(DataType dt) {
    TensorProto.DataType t =
        switch (dt) {
          case BOOL -> TensorProto.DataType.BOOL;
          case UINT8 -> TensorProto.DataType.UINT8;
          case UINT16 -> TensorProto.DataType.UINT16;
          case UINT32 -> TensorProto.DataType.UINT32;
          case UINT64 -> TensorProto.DataType.UINT64;
          case INT8 -> TensorProto.DataType.INT8;
          case INT16 -> TensorProto.DataType.INT16;
          case INT32 -> TensorProto.DataType.INT32;
          case INT64 -> TensorProto.DataType.INT64;
          case FP16 -> TensorProto.DataType.FLOAT16;
          case BF16 -> TensorProto.DataType.BFLOAT16;
          case FP32 -> TensorProto.DataType.FLOAT;
          case FP64 -> TensorProto.DataType.DOUBLE;
          case BYTES -> TensorProto.DataType.STRING;
        };
    return t.getNumber();
  }

  static byte[] model(GraphProto graph) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("modelfleet-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  static NodeProto node(String op, String[] inputs, String output) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output);
    for (String in : inputs) {
      n.addInput(in);
    }
    return n.addOutput(output).build();
  }

  /** An FP32 initializer; no dims makes it a scalar. */
  private static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : values) {
      raw.putFloat(f);
    }
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

  /** A tensor value; a String dimension is symbolic (dim_param), a Number is fixed. */
  static ValueInfoProto value(String name, DataType dt, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String param) {
        dim.setDimParam(param);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType(dt)).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
