package io.modelfleet.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import io.modelfleet.node.ort.OrtRuntime;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: one in-process ONNX Runtime session on the CPU (all graph optimisations,
 * sequential, 1 inter-op thread) and N threads calling {@code session.run} on inputs built before
 * the clock starts. Its intra-op thread count is the configuration under test: ORT's default (one
 * per physical core, spinning), 1 (each calling thread computes alone), or the served deployment's
 * {@link #INTRA_OP_THREADS}. The CUDA provider is never added: this is the CPU baseline, and adding
 * it without a GPU costs seconds then fails.
 */
public final class RawOrt implements AutoCloseable {

  public static final int INTRA_OP_THREADS = 2;
  public static final int INTER_OP_THREADS = 1;

  /** The intra-op setting that leaves ORT's own default in place. */
  public static final int ORT_DEFAULT = 0;

  private final OrtEnvironment env;
  private final OrtSession session;

  private RawOrt(OrtEnvironment env, OrtSession session) {
    this.env = env;
    this.session = session;
  }

  /** The process-wide environment, started exactly as a node starts it (see {@link OrtRuntime}). */
  public static OrtEnvironment environment() {
    return OrtRuntime.environment();
  }

  /** A session with the served deployment's options ({@link #INTRA_OP_THREADS}). */
  public static RawOrt open(OrtEnvironment env, byte[] onnx) throws OrtException {
    return open(env, onnx, INTRA_OP_THREADS);
  }

  /** A session with {@code intraOpThreads} intra-op threads; {@link #ORT_DEFAULT} leaves ORT's. */
  public static RawOrt open(OrtEnvironment env, byte[] onnx, int intraOpThreads)
      throws OrtException {
    try (SessionOptions o = new SessionOptions()) {
      o.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      if (intraOpThreads != ORT_DEFAULT) {
        o.setIntraOpNumThreads(intraOpThreads);
      }
      o.setInterOpNumThreads(INTER_OP_THREADS);
      return new RawOrt(env, env.createSession(onnx, o));
    }
  }

  /** {@code clients} threads, each running its own copy of {@code inputs} back to back. */
  public Measurement measure(
      int clients, List<InputTensor> inputs, Duration warmUp, Duration window, CpuMonitor cpu)
      throws InterruptedException {
    int rows = (int) inputs.get(0).rows();
    return LoadRunner.run(
        clients,
        rows,
        thread -> {
          Map<String, OnnxTensor> feed = new HashMap<>();
          for (InputTensor t : inputs) {
            feed.put(t.name(), t.toOrt(env));
          }
          return new LoadRunner.Op() {
            @Override
            public void call() throws OrtException {
              session.run(feed).close();
            }

            @Override
            public void close() {
              feed.values().forEach(OnnxTensor::close);
            }
          };
        },
        warmUp,
        window,
        cpu);
  }

  /** The row label of a raw session with {@code intraOpThreads}. */
  public static String label(int intraOpThreads) {
    return Row.RAW
        + (intraOpThreads == ORT_DEFAULT
            ? " (intra-op default)"
            : " (intra-op " + intraOpThreads + ")");
  }

  /**
   * One run's FP32 and INT32 outputs, the reference that served answers are checked against (INT32
   * values are held as floats: exact for the small integers of the simple model).
   */
  public Map<String, Reference> reference(List<InputTensor> inputs) throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (InputTensor t : inputs) {
        feed.put(t.name(), t.toOrt(env));
      }
      Map<String, Reference> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
            TensorInfo info = t.getInfo();
            FloatBuffer fb = t.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            out.put(e.getKey(), new Reference(info.getShape(), "FP32", values));
          } else if (e.getValue() instanceof OnnxTensor t
              && t.getInfo().type == OnnxJavaType.INT32) {
            IntBuffer ib = t.getIntBuffer();
            float[] values = new float[ib.remaining()];
            for (int i = 0; i < values.length; i++) {
              values[i] = ib.get(i);
            }
            out.put(e.getKey(), new Reference(t.getInfo().getShape(), "INT32", values));
          }
        }
      }
      return out;
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** One output of a reference run; {@code datatype} is FP32 or INT32. */
  public record Reference(long[] shape, String datatype, float[] values) {}

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
