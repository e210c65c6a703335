package io.modelfleet.node.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of a protobuf encoder to write small ONNX models from main code, where the generated
 * ONNX protobuf classes are not on the classpath (they come with a test-only dependency) and
 * pulling in protobuf for one demo model is not worth it.
 *
 * <p>Field numbers are those of onnx.proto (onnx/onnx, stable since IR version 3). Each static
 * helper returns an encoded message, and messages nest by being written as length-delimited fields.
 */
public final class OnnxWriter {

  /** TensorProto.DataType values used by the demo. */
  public static final int FLOAT = 1;

  public static final int INT64 = 7;

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_LEN = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public OnnxWriter varint(int field, long value) {
    tag(field, WIRE_VARINT);
    rawVarint(value);
    return this;
  }

  public OnnxWriter bytes(int field, byte[] value) {
    tag(field, WIRE_LEN);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  public OnnxWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  public OnnxWriter message(int field, OnnxWriter value) {
    return bytes(field, value.toByteArray());
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wire) {
    rawVarint(((long) field << 3) | wire);
  }

  private void rawVarint(long v) {
    // Negative int64 values take ten bytes in protobuf's encoding, which the unsigned shift gives.
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  // ---- ONNX messages ----

  /** ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8. */
  public static OnnxWriter model(long irVersion, long opset, String producer, OnnxWriter graph) {
    OnnxWriter opsetId = new OnnxWriter().string(1, "").varint(2, opset);
    return new OnnxWriter()
        .varint(1, irVersion)
        .string(2, producer)
        .message(7, graph)
        .message(8, opsetId);
  }

  /** GraphProto: node=1, name=2, initializer=5, input=11, output=12. */
  public static OnnxWriter graph(
      String name,
      OnnxWriter[] nodes,
      OnnxWriter[] initializers,
      OnnxWriter[] inputs,
      OnnxWriter[] outputs) {
    OnnxWriter g = new OnnxWriter();
    for (OnnxWriter n : nodes) {
      g.message(1, n);
    }
    g.string(2, name);
    for (OnnxWriter t : initializers) {
      g.message(5, t);
    }
    for (OnnxWriter v : inputs) {
      g.message(11, v);
    }
    for (OnnxWriter v : outputs) {
      g.message(12, v);
    }
    return g;
  }

  /** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5. */
  public static OnnxWriter node(
      String opType, String name, String[] inputs, String[] outputs, OnnxWriter... attributes) {
    OnnxWriter n = new OnnxWriter();
    for (String in : inputs) {
      n.string(1, in);
    }
    for (String o : outputs) {
      n.string(2, o);
    }
    n.string(3, name).string(4, opType);
    for (OnnxWriter a : attributes) {
      n.message(5, a);
    }
    return n;
  }

  /** AttributeProto of type INT (20 = type, 2 = AttributeType.INT): name=1, i=3. */
  public static OnnxWriter intAttribute(String name, long value) {
    return new OnnxWriter().string(1, name).varint(3, value).varint(20, 2);
  }

  /** TensorProto with FP32 raw_data: dims=1, data_type=2, name=8, raw_data=9 (little-endian). */
  public static OnnxWriter floatTensor(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : values) {
      raw.putFloat(f);
    }
    OnnxWriter t = new OnnxWriter();
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
  }

  /**
   * ValueInfoProto (name=1, type=2) of a tensor: TypeProto.tensor_type=1 holding elem_type=1 and
   * shape=2; each TensorShapeProto.dim=1 has dim_value=1 or, for a String, dim_param=2.
   */
  public static OnnxWriter tensorValue(String name, int elemType, Object... dims) {
    OnnxWriter shape = new OnnxWriter();
    for (Object d : dims) {
      OnnxWriter dim = new OnnxWriter();
      if (d instanceof String param) {
        dim.string(2, param);
      } else {
        dim.varint(1, ((Number) d).longValue());
      }
      shape.message(1, dim);
    }
    OnnxWriter tensorType = new OnnxWriter().varint(1, elemType).message(2, shape);
    OnnxWriter type = new OnnxWriter().message(1, tensorType);
    return new OnnxWriter().string(1, name).message(2, type);
  }
}
