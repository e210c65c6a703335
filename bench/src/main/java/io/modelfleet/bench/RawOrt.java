package io.modelfleet.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline: one in-process ONNX Runtime session on the CPU with the same options the served
 * deployment asks for (2 intra-op threads, 1 inter-op, all graph optimisations, sequential), and
 * N threads calling {@code session.run} on inputs built before the clock starts. The CUDA provider
 * is never added: this is the CPU baseline, and adding it without a GPU costs seconds then fails.
 */
public final class RawOrt implements AutoCloseable {

  public static final int INTRA_OP_THREADS = 2;
  public static final int INTER_OP_THREADS = 1;
  /** ORT 1.29 crashed initialising on a thread with a small stack (see the node's OrtRuntime). */
  private static final long INIT_STACK_BYTES = 64L << 20;

  private final OrtEnvironment env;
  private final OrtSession session;

  private RawOrt(OrtEnvironment env, OrtSession session) {
    this.env = env;
    this.session = session;
  }

  /** The process-wide environment, created on a large-stack thread. */
  public static OrtEnvironment environment() {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(OrtEnvironment.getEnvironment());
      } catch (Throwable e) {
        result.set(e);
      }
    }, "ort-init", INIT_STACK_BYTES);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    }
    if (result.get() instanceof OrtEnvironment env) {
      return env;
    }
    throw new IllegalStateException("ONNX Runtime failed to start", (Throwable) result.get());
  }

  public static RawOrt open(OrtEnvironment env, byte[] onnx) throws OrtException {
    try (SessionOptions o = new SessionOptions()) {
      o.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setIntraOpNumThreads(INTRA_OP_THREADS);
      o.setInterOpNumThreads(INTER_OP_THREADS);
      return new RawOrt(env, env.createSession(onnx, o));
    }
  }

  /** {@code clients} threads, each running its own copy of {@code inputs} back to back. */
  public Measurement measure(int clients, List<InputTensor> inputs, Duration warmUp, Duration window, CpuMonitor cpu)
      throws InterruptedException {
    int rows = (int) inputs.get(0).rows();
    return LoadRunner.run(clients, rows, thread -> {
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
    }, warmUp, window, cpu);
  }

  /** One run's FP32 outputs, the reference that served answers are checked against. */
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
            out.put(e.getKey(), new Reference(info.getShape(), values));
          }
        }
      }
      return out;
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** One FP32 output of a reference run. */
  public record Reference(long[] shape, float[] values) {}

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
