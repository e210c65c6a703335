package io.modelfleet.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One input of one request: name, OIP datatype (FP32, INT32 or INT64 here), shape, and the elements
 * as little-endian bytes, which is both what Triton's binary extension sends and what ONNX Runtime
 * reads on x86. The same bytes feed the in-process session, the JSON body and the binary body, so
 * the raw and served numbers compute exactly the same thing.
 */
public record InputTensor(String name, String datatype, long[] shape, byte[] data) {

  public InputTensor {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (n * elementSize(datatype) != data.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + data.length
              + " bytes for shape "
              + Arrays.toString(shape)
              + " of "
              + datatype);
    }
  }

  public static InputTensor fp32(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return new InputTensor(name, "FP32", shape, b.array());
  }

  public static InputTensor int32(String name, long[] shape, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return new InputTensor(name, "INT32", shape, b.array());
  }

  public static InputTensor int64(String name, long[] shape, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return new InputTensor(name, "INT64", shape, b.array());
  }

  public static int elementSize(String datatype) {
    return switch (datatype) {
      case "FP32", "INT32" -> 4;
      case "INT64" -> 8;
      default ->
          throw new IllegalArgumentException(
              "the bench only builds FP32, INT32 and INT64 inputs, not " + datatype);
    };
  }

  public int elementCount() {
    return data.length / elementSize(datatype);
  }

  /** Rows along dimension 0, the batch dimension of every model here. */
  public long rows() {
    return shape[0];
  }

  /**
   * A tensor over a direct copy of the bytes. Built once per thread before a measurement: ORT reads
   * input tensors without changing them, so one can feed every run.
   */
  public OnnxTensor toOrt(OrtEnvironment env) throws OrtException {
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
    ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if ("FP32".equals(datatype)) {
      direct.asFloatBuffer().put(le.asFloatBuffer());
      return OnnxTensor.createTensor(env, direct.asFloatBuffer(), shape);
    }
    if ("INT32".equals(datatype)) {
      direct.asIntBuffer().put(le.asIntBuffer());
      return OnnxTensor.createTensor(env, direct.asIntBuffer(), shape);
    }
    direct.asLongBuffer().put(le.asLongBuffer());
    return OnnxTensor.createTensor(env, direct.asLongBuffer(), shape);
  }

  /** The elements as JSON numbers, comma-separated: the flat {@code data} array of the OIP. */
  public void appendJsonData(StringBuilder sb) {
    ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int n = elementCount();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      if ("FP32".equals(datatype)) {
        sb.append(le.getFloat(i * 4));
      } else if ("INT32".equals(datatype)) {
        sb.append(le.getInt(i * 4));
      } else {
        sb.append(le.getLong(i * 8));
      }
    }
  }
}
