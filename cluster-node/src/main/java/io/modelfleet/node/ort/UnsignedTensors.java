package io.modelfleet.node.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import io.modelfleet.protocol.tensor.DataType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Creates UINT16, UINT32 and UINT64 input tensors, which ONNX Runtime 1.29's Java API has no public
 * way to make: {@link OnnxJavaType} has no unsigned type wider than a byte, and a signed tensor of
 * the same width is rejected by {@code run} as the wrong type.
 *
 * <p>ORT's own {@code OnnxTensor.createTensor(env, allocator, ByteBuffer, shape, type)} ends in a
 * native function, {@code createTensorFromBuffer}, that takes the ONNX element type as a plain int
 * and works for every ONNX type; only the Java front end limits it. So this class does, by
 * reflection, exactly what that method does for a direct buffer (read from its 1.29 bytecode):
 *
 * <ol>
 *   <li>refuse a closed allocator ({@code IllegalStateException}, same message as ORT);
 *   <li>{@code handle = createTensorFromBuffer(OnnxRuntime.ortApiHandle, allocator.handle, buffer,
 *       buffer.position(), buffer.remaining(), shape, onnxType.value)}, which wraps the buffer's
 *       memory without copying it;
 *   <li>{@code new OnnxTensor(handle, allocator.handle, info, buffer, false)}: the tensor keeps a
 *       strong reference to the buffer, so the GC cannot free the memory ORT reads while the tensor
 *       is alive; {@code false} is what ORT passes when it did not copy the caller's buffer.
 * </ol>
 *
 * <p>The {@link TensorInfo} carries the real unsigned {@link OnnxTensorType} and the signed {@link
 * OnnxJavaType} of the same width (INT16/INT32/INT64), which is also how ORT describes the unsigned
 * tensors it returns from {@code run}; so {@code getByteBuffer} and friends hand back the raw bits.
 *
 * <p>The reflective handles are looked up once. If a future ORT renames or reshapes any of them,
 * the lookup failure is kept and every {@link #create} throws {@link UnsupportedOperationException}
 * carrying it, so the cause is plain rather than a {@code NoSuchMethodError} deep in a request.
 */
final class UnsignedTensors {

  private UnsignedTensors() {}

  /**
   * A {@code dt} tensor of {@code shape} over the bytes of {@code data} (from its position to its
   * limit), which must be a direct buffer holding the elements in native byte order. The tensor
   * does not copy {@code data}; it keeps a reference to it, and the caller must not change those
   * bytes while the tensor is in use. The caller closes the tensor.
   *
   * @throws IllegalArgumentException if {@code dt} is not UINT16, UINT32 or UINT64, {@code data} is
   *     not direct, or its size does not match the shape
   * @throws UnsupportedOperationException if this ORT version lacks the internals this relies on
   */
  static OnnxTensor create(OrtEnvironment env, ByteBuffer data, long[] shape, DataType dt)
      throws OrtException {
    OnnxJavaType javaType;
    OnnxTensorType onnxType;
    switch (dt) {
      case UINT16 -> {
        javaType = OnnxJavaType.INT16;
        onnxType = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16;
      }
      case UINT32 -> {
        javaType = OnnxJavaType.INT32;
        onnxType = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32;
      }
      case UINT64 -> {
        javaType = OnnxJavaType.INT64;
        onnxType = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64;
      }
      default ->
          throw new IllegalArgumentException(
              "UnsignedTensors only creates UINT16, UINT32 and UINT64 tensors, not " + dt + ".");
    }
    if (!data.isDirect()) {
      // The native side takes the buffer's address; a heap buffer has none.
      throw new IllegalArgumentException("UnsignedTensors needs a direct buffer.");
    }
    long[] dims = shape.clone();
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "Shape " + Arrays.toString(dims) + " has a negative dimension.");
      }
      count = Math.multiplyExact(count, d);
    }
    long byteSize = data.remaining();
    if (byteSize != Math.multiplyExact(count, (long) dt.byteSize())) {
      throw new IllegalArgumentException(
          "Shape "
              + Arrays.toString(dims)
              + " of "
              + dt
              + " needs "
              + count * dt.byteSize()
              + " bytes but the buffer has "
              + byteSize
              + ".");
    }
    Ort ort = Ort.get(dt);
    try {
      Object allocator = ort.defaultAllocator.invoke(env);
      if ((boolean) ort.allocatorIsClosed.invoke(allocator)) {
        throw new IllegalStateException("Trying to create an OnnxTensor on a closed OrtAllocator.");
      }
      long allocatorHandle = (long) ort.allocatorHandle.invoke(allocator);
      long apiHandle = (long) ort.apiHandle.invoke();
      TensorInfo info = (TensorInfo) ort.newTensorInfo.invoke(dims, javaType, onnxType);
      long handle =
          (long)
              ort.createTensorFromBuffer.invoke(
                  apiHandle,
                  allocatorHandle,
                  (Buffer) data,
                  data.position(),
                  byteSize,
                  dims,
                  onnxType.value);
      // The constructor only stores fields, so nothing can fail between here and the native
      // handle being owned (and released on close) by the returned tensor.
      return (OnnxTensor)
          ort.newOnnxTensor.invoke(handle, allocatorHandle, info, (Buffer) data, false);
    } catch (OrtException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      // Only checked exceptions other than OrtException land here; none of the targets declare one.
      throw new IllegalStateException("Unexpected failure creating a " + dt + " tensor.", t);
    }
  }

  /**
   * Why {@link #create} cannot work with this ORT version (the reflective lookup's failure), or
   * null when it can.
   */
  static Throwable unavailableCause() {
    return Ort.FAILURE;
  }

  /** The reflective handles into ORT, looked up once on first use. */
  private static final class Ort {

    static final Ort INSTANCE;
    static final Throwable FAILURE;

    static {
      Ort instance = null;
      Throwable failure = null;
      try {
        instance = new Ort();
      } catch (Throwable t) { // ReflectiveOperationException, InaccessibleObjectException, ...
        failure = t;
      }
      INSTANCE = instance;
      FAILURE = failure;
    }

    /** (long api, long allocator, Buffer, int pos, long byteSize, long[] shape, int type) long. */
    final MethodHandle createTensorFromBuffer;

    /** (long handle, long allocator, TensorInfo, Buffer, boolean ownsBuffer) OnnxTensor. */
    final MethodHandle newOnnxTensor;

    /** (long[] shape, OnnxJavaType, OnnxTensorType) TensorInfo. */
    final MethodHandle newTensorInfo;

    /** () long: OnnxRuntime.ortApiHandle, read per call since ORT sets it when it loads. */
    final MethodHandle apiHandle;

    /** (OrtEnvironment) OrtAllocator. */
    final MethodHandle defaultAllocator;

    /** (OrtAllocator) long. */
    final MethodHandle allocatorHandle;

    /** (OrtAllocator) boolean. */
    final MethodHandle allocatorIsClosed;

    private Ort() throws ReflectiveOperationException {
      MethodHandles.Lookup lookup = MethodHandles.lookup();

      Method create =
          OnnxTensor.class.getDeclaredMethod(
              "createTensorFromBuffer",
              long.class,
              long.class,
              Buffer.class,
              int.class,
              long.class,
              long[].class,
              int.class);
      create.setAccessible(true);
      createTensorFromBuffer = lookup.unreflect(create);

      Constructor<OnnxTensor> tensor =
          OnnxTensor.class.getDeclaredConstructor(
              long.class, long.class, TensorInfo.class, Buffer.class, boolean.class);
      tensor.setAccessible(true);
      newOnnxTensor = lookup.unreflectConstructor(tensor);

      Constructor<TensorInfo> info =
          TensorInfo.class.getDeclaredConstructor(
              long[].class, OnnxJavaType.class, OnnxTensorType.class);
      info.setAccessible(true);
      newTensorInfo = lookup.unreflectConstructor(info);

      Class<?> runtime =
          Class.forName("ai.onnxruntime.OnnxRuntime", false, OnnxTensor.class.getClassLoader());
      Field api = runtime.getDeclaredField("ortApiHandle");
      api.setAccessible(true);
      apiHandle = lookup.unreflectGetter(api);

      Field alloc = OrtEnvironment.class.getDeclaredField("defaultAllocator");
      alloc.setAccessible(true);
      defaultAllocator = lookup.unreflectGetter(alloc);

      Class<?> allocator = alloc.getType();
      Field handle = allocator.getDeclaredField("handle");
      handle.setAccessible(true);
      allocatorHandle = lookup.unreflectGetter(handle);

      Method isClosed = allocator.getDeclaredMethod("isClosed");
      isClosed.setAccessible(true);
      allocatorIsClosed = lookup.unreflect(isClosed);

      // Fail here, not per request, if a type changed in a way unreflect does not catch.
      if (create.getReturnType() != long.class
          || api.getType() != long.class
          || handle.getType() != long.class
          || isClosed.getReturnType() != boolean.class) {
        throw new NoSuchMethodException(
            "ORT internals have unexpected types: "
                + create
                + ", "
                + api
                + ", "
                + handle
                + ", "
                + isClosed);
      }
    }

    static Ort get(DataType dt) {
      if (INSTANCE == null) {
        throw new UnsupportedOperationException(
            "ONNX Runtime's Java API cannot create "
                + dt
                + " tensors, and the internal route around that (OnnxTensor.createTensorFromBuffer, "
                + "found by reflection) is missing in this ORT version: "
                + FAILURE,
            FAILURE);
      }
      return INSTANCE;
    }
  }
}
