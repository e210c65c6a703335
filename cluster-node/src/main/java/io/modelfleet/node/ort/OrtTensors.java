package io.modelfleet.node.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Converts between the protocol's {@link Tensor} (raw little-endian bytes) and ONNX Runtime values.
 *
 * <p>What ONNX Runtime 1.29's Java API can and cannot do, found by experiment:
 *
 * <ul>
 *   <li>Inputs: every datatype, but UINT16, UINT32 and UINT64 only by reflection. {@link
 *       OnnxJavaType} has no unsigned type wider than a byte, and a signed tensor of the same width
 *       is rejected by {@code run} ("Unexpected input data type. Actual: tensor(int32), expected:
 *       tensor(uint32)"), so ORT Java has no public way to create them. The native function behind
 *       {@code createTensor(ByteBuffer, ...)} takes the ONNX element type as an int and supports
 *       every ONNX type, so {@link UnsignedTensors} calls it, and ORT's package-private {@code
 *       OnnxTensor} and {@code TensorInfo} constructors, reflectively, mirroring what {@code
 *       createTensor} does. Should a future ORT rename those internals, {@link #toOrt} throws
 *       {@link UnsupportedOperationException} for these three types with the reflective cause.
 *   <li>Outputs: every datatype, UINT16/32/64 included: ORT reports them with a signed Java type of
 *       the same width and {@code getByteBuffer} hands back the raw bits, which is all we need.
 *   <li>BYTES travels as Java {@code String}s, so only valid UTF-8 elements can be sent; arbitrary
 *       binary BYTES is refused rather than silently mangled by a lossy decode.
 *   <li>{@code createTensor(ByteBuffer, ...)} only accepts direct buffers (a heap buffer fails with
 *       a ClassCastException inside ORT), hence the copies into direct buffers below. ORT wraps
 *       such a buffer without copying it, and the tensor holds a reference to it while it lives.
 * </ul>
 */
public final class OrtTensors {

  private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private OrtTensors() {}

  /**
   * An ORT tensor holding a copy of {@code t}; the caller closes it.
   *
   * @throws UnsupportedOperationException for UINT16, UINT32 and UINT64 if this ORT version lacks
   *     the internals {@link UnsignedTensors} reaches by reflection
   * @throws TensorFormatException when the data does not fit the shape or BYTES framing is broken
   */
  public static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = t.shape().clone();
    long count = checkedCount(t);
    return switch (t.datatype()) {
      case UINT16, UINT32, UINT64 -> unsigned(env, t, shape);
      case BYTES -> OnnxTensor.createTensor(env, decodeStrings(t, count), shape);
      case BOOL -> OnnxTensor.createTensor(env, boolBuffer(t), shape, OnnxJavaType.BOOL);
      default -> OnnxTensor.createTensor(env, direct(t), shape, javaType(t.datatype()));
    };
  }

  private static OnnxTensor unsigned(OrtEnvironment env, Tensor t, long[] shape)
      throws OrtException {
    Throwable cause = UnsignedTensors.unavailableCause();
    if (cause != null) {
      throw new UnsupportedOperationException(
          "ONNX Runtime's Java API cannot create "
              + t.datatype()
              + " tensors, so input '"
              + t.name()
              + "' cannot be passed to the model (the reflective route around that "
              + "failed for this ORT version: "
              + cause
              + ").",
          cause);
    }
    return UnsignedTensors.create(env, direct(t), shape, t.datatype());
  }

  /** The output value {@code v} as a protocol tensor called {@code name}, little-endian. */
  public static Tensor fromOrt(String name, OnnxValue v) throws OrtException {
    if (!(v instanceof OnnxTensor tensor)) {
      throw new IllegalArgumentException(
          "Output '"
              + name
              + "' is a "
              + v.getType()
              + ", not a tensor; only tensor outputs can be returned over the inference protocol.");
    }
    TensorInfo info = tensor.getInfo();
    DataType dt = dataTypeOf(info);
    long[] shape = info.getShape().clone();
    if (dt == DataType.BYTES) {
      return new Tensor(name, dt, shape, encodeStrings(tensor.getValue()));
    }
    ByteBuffer buf = tensor.getByteBuffer();
    byte[] data = new byte[buf.remaining()];
    buf.get(data);
    // getByteBuffer is in native order; the protocol is little-endian whatever the host.
    if (buf.order() != ByteOrder.LITTLE_ENDIAN) {
      swap(data, dt.byteSize());
    }
    if (dt == DataType.BOOL) {
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (data[i] != 0 ? 1 : 0);
      }
    }
    return new Tensor(name, dt, shape, data);
  }

  /** Our datatype for an ORT tensor's element type. */
  public static DataType dataTypeOf(TensorInfo info) {
    return switch (info.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
      default ->
          throw new IllegalArgumentException(
              "ONNX tensor element type "
                  + info.onnxType
                  + " has no Open Inference Protocol datatype.");
    };
  }

  /**
   * Session input or output infos as specs, in the session's order (ORT returns insertion-ordered
   * maps); symbolic or unknown dimensions become -1.
   */
  public static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> out = new ArrayList<>(infos.size());
    for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
      String name = e.getKey();
      ValueInfo vi = e.getValue().getInfo();
      if (!(vi instanceof TensorInfo ti)) {
        throw new IllegalArgumentException(
            "Model value '"
                + name
                + "' is not a tensor ("
                + vi
                + "); only tensor inputs and outputs can be served.");
      }
      DataType dt;
      try {
        dt = dataTypeOf(ti);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("Model value '" + name + "': " + ex.getMessage(), ex);
      }
      List<Long> shape = new ArrayList<>(ti.getShape().length);
      for (long d : ti.getShape()) {
        shape.add(d < 0 ? -1L : d);
      }
      out.add(new TensorSpec(name, dt, List.copyOf(shape)));
    }
    return List.copyOf(out);
  }

  private static OnnxJavaType javaType(DataType dt) {
    return switch (dt) {
      case UINT8 -> OnnxJavaType.UINT8;
      case INT8 -> OnnxJavaType.INT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case FP16 -> OnnxJavaType.FLOAT16;
      case BF16 -> OnnxJavaType.BFLOAT16;
      case FP32 -> OnnxJavaType.FLOAT;
      case FP64 -> OnnxJavaType.DOUBLE;
      default -> throw new IllegalStateException("no ORT buffer type for " + dt);
    };
  }

  private static long checkedCount(Tensor t) {
    long count = 1;
    for (long d : t.shape()) {
      if (d < 0) {
        throw new TensorFormatException(
            "input '" + t.name() + "': shape has a negative dimension " + d + ".");
      }
      count = Math.multiplyExact(count, d);
    }
    if (t.datatype().fixedWidth()) {
      long want = count * t.datatype().byteSize();
      if (t.data().length != want) {
        throw new TensorFormatException(
            "input '"
                + t.name()
                + "': data has "
                + t.data().length
                + " bytes but "
                + t.datatype()
                + " shape "
                + Arrays.toString(t.shape())
                + " needs "
                + want
                + ".");
      }
    }
    return count;
  }

  private static ByteBuffer direct(Tensor t) {
    byte[] data = t.data();
    if (!NATIVE_LE) {
      data = data.clone();
      swap(data, t.datatype().byteSize());
    }
    return ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder()).put(data).flip();
  }

  private static ByteBuffer boolBuffer(Tensor t) {
    ByteBuffer buf = ByteBuffer.allocateDirect(t.data().length);
    // ORT's bool kernels assume exactly 0 or 1; anything else would be undefined behaviour there.
    for (byte b : t.data()) {
      buf.put((byte) (b != 0 ? 1 : 0));
    }
    return buf.flip();
  }

  private static String[] decodeStrings(Tensor t, long count) {
    if (count > Integer.MAX_VALUE) {
      throw new TensorFormatException("input '" + t.name() + "': too many BYTES elements.");
    }
    ByteBuffer in = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    String[] out = new String[(int) count];
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < out.length; i++) {
      if (in.remaining() < 4) {
        throw new TensorFormatException(
            "input '" + t.name() + "': BYTES data ends before element " + i + " of " + count + ".");
      }
      int len = in.getInt();
      if (len < 0 || len > in.remaining()) {
        throw new TensorFormatException(
            "input '"
                + t.name()
                + "': BYTES element "
                + i
                + " claims "
                + Integer.toUnsignedString(len)
                + " bytes but only "
                + in.remaining()
                + " remain.");
      }
      ByteBuffer slice = in.slice().limit(len);
      in.position(in.position() + len);
      try {
        CharBuffer chars = utf8.decode(slice);
        out[i] = chars.toString();
      } catch (CharacterCodingException e) {
        throw new TensorFormatException(
            "input '"
                + t.name()
                + "': BYTES element "
                + i
                + " is not valid UTF-8, and ONNX Runtime's Java API only accepts strings.");
      }
    }
    if (in.hasRemaining()) {
      throw new TensorFormatException(
          "input '"
              + t.name()
              + "': BYTES data has "
              + in.remaining()
              + " bytes after the last of its "
              + count
              + " elements.");
    }
    return out;
  }

  /** Flattens ORT's nested String arrays (or a bare String for a scalar) into BYTES framing. */
  private static byte[] encodeStrings(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appendStrings(value, out);
    return out.toByteArray();
  }

  private static void appendStrings(Object value, ByteArrayOutputStream out) {
    if (value instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.write(b.length);
      out.write(b.length >>> 8);
      out.write(b.length >>> 16);
      out.write(b.length >>> 24);
      out.writeBytes(b);
      return;
    }
    int n = Array.getLength(value);
    for (int i = 0; i < n; i++) {
      appendStrings(Array.get(value, i), out);
    }
  }

  /** Reverses each {@code width}-byte element in place; only runs on big-endian hosts. */
  private static void swap(byte[] data, int width) {
    if (width <= 1) {
      return;
    }
    for (int base = 0; base + width <= data.length; base += width) {
      for (int i = 0, j = width - 1; i < j; i++, j--) {
        byte tmp = data[base + i];
        data[base + i] = data[base + j];
        data[base + j] = tmp;
      }
    }
  }
}
