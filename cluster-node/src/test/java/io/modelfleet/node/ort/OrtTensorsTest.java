package io.modelfleet.node.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelfleet.node.demo.DemoModel;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorFormatException;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrtTensorsTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @ParameterizedTest
  @EnumSource(DataType.class)
  void everyDatatypeRoundTripsThroughIdentity(DataType dt) throws OrtException {
    Tensor in = sample("in", dt, 2, 3);
    try (OrtSession session = open(TestModels.identity(dt))) {
      assertEquals(
          List.of(new TensorSpec("in", dt, List.of(-1L, -1L))),
          OrtTensors.specs(session.getInputInfo()));
      Tensor out = run(session, in).get(0);
      assertEquals(new Tensor("out", dt, in.shape(), in.data()), out);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64"})
  void unsignedOutputsComeBackFromCast(DataType dt) throws OrtException {
    Tensor in = longs("in", new long[] {3}, 1, 2, 300);
    try (OrtSession session = open(TestModels.cast(DataType.INT64, dt))) {
      Tensor out = run(session, in).get(0);
      assertEquals(unsigned("out", dt, new long[] {3}, 1, 2, 300), out);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64"})
  void unsignedExtremesRoundTripThroughIdentity(DataType dt) throws OrtException {
    long max = max(dt);
    long topBit = 1L << (dt.byteSize() * 8 - 1);
    Tensor in = unsigned("in", dt, new long[] {2, 3}, 0, 1, max, max - 1, topBit, topBit - 1);
    try (OrtSession session = open(TestModels.identity(dt))) {
      assertEquals(new Tensor("out", dt, in.shape(), in.data()), run(session, in).get(0));
    }
  }

  /** Identity only copies bits; a Cast proves ORT really reads the input as unsigned. */
  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32"})
  void unsignedInputIsReadAsUnsignedByOrt(DataType dt) throws OrtException {
    long max = max(dt);
    Tensor in = unsigned("in", dt, new long[] {3}, 0, max, 1L << (dt.byteSize() * 8 - 1));
    try (OrtSession session = open(TestModels.cast(dt, DataType.INT64))) {
      assertEquals(
          longs("out", new long[] {3}, 0, max, 1L << (dt.byteSize() * 8 - 1)),
          run(session, in).get(0));
    }
  }

  @Test
  void uint64InputIsReadAsUnsignedByOrt() throws OrtException {
    // 2^64 - 1 and 2^63 as doubles: a signed read would give -1 and -2^63 instead.
    Tensor in = unsigned("in", DataType.UINT64, new long[] {3}, 0, -1L, Long.MIN_VALUE);
    try (OrtSession session = open(TestModels.cast(DataType.UINT64, DataType.FP64))) {
      Tensor out = run(session, in).get(0);
      ByteBuffer b = ByteBuffer.wrap(out.data()).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(0.0, b.getDouble());
      assertEquals(0x1p64, b.getDouble());
      assertEquals(0x1p63, b.getDouble());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64"})
  void unsignedTensorDescribesItselfLikeOrtOutputs(DataType dt) throws OrtException {
    Tensor in = unsigned("in", dt, new long[] {1, 2}, max(dt), 7);
    try (OnnxTensor ort = OrtTensors.toOrt(ENV, in)) {
      assertEquals(dt, OrtTensors.dataTypeOf(ort.getInfo()));
      assertArrayEquals(new long[] {1, 2}, ort.getInfo().getShape());
      assertEquals(
          switch (dt) {
            case UINT16 -> OnnxJavaType.INT16;
            case UINT32 -> OnnxJavaType.INT32;
            default -> OnnxJavaType.INT64;
          },
          ort.getInfo().type);
      // Straight back out without a session: same bytes, shape and datatype.
      assertEquals(new Tensor("in", dt, in.shape(), in.data()), OrtTensors.fromOrt("in", ort));
    }
  }

  /**
   * Many fresh tensors, each over a direct buffer that only the tensor references, with a GC in the
   * middle between creating one and running it: a tensor that did not keep its buffer alive would
   * hand ORT freed memory and return garbage (or crash).
   */
  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64"})
  void unsignedTensorsSurviveManyRunsAndAGc(DataType dt) throws OrtException, InterruptedException {
    int runs = 3000;
    try (OrtSession session = open(TestModels.identity(dt))) {
      for (int i = 0; i < runs; i++) {
        long[] values = new long[8];
        for (int j = 0; j < values.length; j++) {
          values[j] = (i * 0x9E3779B97F4A7C15L) ^ (j * 0xC2B2AE3D27D4EB4FL) ^ (j == 0 ? -1L : 0);
        }
        Tensor in = unsigned("in", dt, new long[] {2, 4}, values);
        try (OnnxTensor ort = OrtTensors.toOrt(ENV, in)) {
          if (i == runs / 2) {
            gcAndWaitForCleaners();
          }
          try (OrtSession.Result result = session.run(Map.of("in", ort))) {
            Tensor out = OrtTensors.fromOrt("out", result.get(0));
            assertEquals(new Tensor("out", dt, in.shape(), in.data()), out, "run " + i);
          }
        }
      }
    }
  }

  @Test
  void specsOfLinearModel() throws OrtException {
    float[][] w = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    try (OrtSession session = open(TestModels.linear(w, new float[] {0.5f, -0.5f}))) {
      assertEquals(
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L))),
          OrtTensors.specs(session.getInputInfo()));
      assertEquals(
          List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
          OrtTensors.specs(session.getOutputInfo()));
    }
  }

  @Test
  void linearModelComputesItsExpectedValues() throws OrtException {
    float[][] w = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    float[] b = {0.5f, -0.5f};
    float[] row = {0.1f, -2f, 3.5f, 4f};
    try (OrtSession session = open(TestModels.linear(w, b))) {
      Tensor y = run(session, floats("x", new long[] {1, 4}, row)).get(0);
      assertArrayEquals(TestModels.linearExpected(w, b, row), toFloats(y), 1e-5f);
    }
  }

  @Test
  void demoModelLoadsAndMatchesExpected() throws OrtException {
    float[] row = {1, 2, 3, 4};
    try (OrtSession session = open(DemoModel.bytes())) {
      assertEquals(
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L))),
          OrtTensors.specs(session.getInputInfo()));
      assertEquals(
          List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L))),
          OrtTensors.specs(session.getOutputInfo()));
      Tensor y = run(session, floats("x", new long[] {1, 4}, row)).get(0);
      assertArrayEquals(new long[] {1, 2}, y.shape());
      assertArrayEquals(DemoModel.expected(row), toFloats(y), 1e-5f);
      // A batch of two rows exercises the dynamic batch dimension.
      Tensor y2 = run(session, floats("x", new long[] {2, 4}, 1, 2, 3, 4, 0, 0, 0, 0)).get(0);
      assertArrayEquals(new long[] {2, 2}, y2.shape());
      float[] both = toFloats(y2);
      assertArrayEquals(DemoModel.expected(row), new float[] {both[0], both[1]}, 1e-5f);
      assertArrayEquals(DemoModel.B, new float[] {both[2], both[3]}, 1e-6f);
    }
  }

  @Test
  void demoCurlTargetsTheInferEndpoint() {
    String curl = DemoModel.exampleCurl("http://localhost:8080/");
    assertTrue(curl.contains("http://localhost:8080/v2/models/demo/infer"), curl);
    assertTrue(curl.contains("\"shape\":[1,4]") && curl.contains("\"data\":[1,2,3,4]"), curl);
  }

  @Test
  void twoOutputsInDeclaredOrder() throws OrtException {
    try (OrtSession session = open(TestModels.twoOutputs())) {
      assertEquals(
          List.of(
              new TensorSpec("doubled", DataType.FP32, List.of(-1L, 3L)),
              new TensorSpec("sum", DataType.FP32, List.of(-1L))),
          OrtTensors.specs(session.getOutputInfo()));
      List<Tensor> out = run(session, floats("x", new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
      assertEquals("doubled", out.get(0).name());
      assertArrayEquals(new long[] {2, 3}, out.get(0).shape());
      assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, toFloats(out.get(0)), 1e-6f);
      assertEquals("sum", out.get(1).name());
      assertArrayEquals(new long[] {2}, out.get(1).shape());
      assertArrayEquals(new float[] {6, 15}, toFloats(out.get(1)), 1e-6f);
    }
  }

  @Test
  void invalidModelIsRejectedByOrt() {
    assertThrows(OrtException.class, () -> open(TestModels.invalid()).close());
  }

  @Test
  void malformedTensorsAreRejectedBeforeOrt() {
    Tensor shortData = new Tensor("x", DataType.FP32, new long[] {2, 2}, new byte[12]);
    TensorFormatException e =
        assertThrows(TensorFormatException.class, () -> OrtTensors.toOrt(ENV, shortData));
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());

    byte[] overlong = {9, 0, 0, 0, 'a'};
    Tensor badFrame = new Tensor("s", DataType.BYTES, new long[] {1}, overlong);
    assertThrows(TensorFormatException.class, () -> OrtTensors.toOrt(ENV, badFrame));

    byte[] notUtf8 = {2, 0, 0, 0, (byte) 0xC3, (byte) 0x28};
    Tensor binary = new Tensor("s", DataType.BYTES, new long[] {1}, notUtf8);
    assertThrows(TensorFormatException.class, () -> OrtTensors.toOrt(ENV, binary));
  }

  @Test
  void boolInputIsNormalisedToZeroOrOne() throws OrtException {
    Tensor in = new Tensor("in", DataType.BOOL, new long[] {1, 3}, new byte[] {0, 7, 1});
    try (OrtSession session = open(TestModels.identity(DataType.BOOL))) {
      assertArrayEquals(new byte[] {0, 1, 1}, run(session, in).get(0).data());
    }
  }

  // ---- helpers ----

  /**
   * System.gc(), then waits until reference processing has caught up with it: unreachable direct
   * buffers are freed by their cleaners asynchronously, and without the wait a buffer-lifetime bug
   * would only show up when that thread happened to win the race.
   */
  private static void gcAndWaitForCleaners() throws InterruptedException {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    queue.remove(10_000);
    Thread.sleep(50); // cleaners pending with the sentinel run just after it is enqueued
    sentinel.clear();
  }

  private static OrtSession open(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      return ENV.createSession(model, options);
    }
  }

  /** Runs a single-input session and converts every output, in the session's output order. */
  private static List<Tensor> run(OrtSession session, Tensor input) throws OrtException {
    String inputName = session.getInputNames().iterator().next();
    try (OnnxTensor ort = OrtTensors.toOrt(ENV, input);
        OrtSession.Result result = session.run(Map.of(inputName, ort))) {
      List<String> names = List.copyOf(session.getOutputNames());
      Tensor[] out = new Tensor[names.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = OrtTensors.fromOrt(names.get(i), result.get(i));
      }
      return List.of(out);
    }
  }

  /** A tensor of every element kind a type can hold, deterministic so failures reproduce. */
  private static Tensor sample(String name, DataType dt, long... shape) {
    int n = (int) Tensor.elementCount(shape);
    if (dt == DataType.BYTES) {
      String[] words = {"", "héllo", "ONNX", "\uD83D\uDE00", "a b", "last"};
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        byte[] b = words[i % words.length].getBytes(StandardCharsets.UTF_8);
        out.writeBytes(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
      }
      return new Tensor(name, dt, shape, out.toByteArray());
    }
    byte[] data = new byte[n * dt.byteSize()];
    for (int i = 0; i < data.length; i++) {
      data[i] = dt == DataType.BOOL ? (byte) (i % 2) : (byte) (i * 37 + 11);
    }
    return new Tensor(name, dt, shape, data);
  }

  private static Tensor floats(String name, long[] shape, float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : values) {
      b.putFloat(f);
    }
    return new Tensor(name, DataType.FP32, shape, b.array());
  }

  private static Tensor longs(String name, long[] shape, long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return new Tensor(name, DataType.INT64, shape, b.array());
  }

  /** Little-endian {@code dt} elements, each the low bits of a value. */
  private static Tensor unsigned(String name, DataType dt, long[] shape, long... values) {
    ByteBuffer b =
        ByteBuffer.allocate(values.length * dt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (dt) {
        case UINT16 -> b.putShort((short) v);
        case UINT32 -> b.putInt((int) v);
        case UINT64 -> b.putLong(v);
        default -> throw new IllegalArgumentException(dt.name());
      }
    }
    return new Tensor(name, dt, shape, b.array());
  }

  /** The largest value of an unsigned type, as its bits (-1 for UINT64). */
  private static long max(DataType dt) {
    return dt == DataType.UINT64 ? -1L : (1L << (dt.byteSize() * 8)) - 1;
  }

  private static float[] toFloats(Tensor t) {
    assertEquals(DataType.FP32, t.datatype());
    ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[t.data().length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }
}
