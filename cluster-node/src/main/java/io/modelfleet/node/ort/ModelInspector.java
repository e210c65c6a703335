package io.modelfleet.node.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a model's signature at upload time by letting ONNX Runtime load it on the CPU. Loading
 * is the real test of "is this a valid ONNX model": the protobuf parses, the opset is supported,
 * the graph type-checks. Blocking; run it on the ORT dispatcher.
 */
public final class ModelInspector {
  private ModelInspector() {}

  public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {}

  /** The signature; throws {@link InvalidModelException} with ONNX Runtime's reason. */
  public static Signature inspect(OrtEnvironment env, Path file) {
    try (SessionOptions o = new SessionOptions()) {
      // Only the graph is needed: skip optimisation and keep one thread.
      o.setOptimizationLevel(OptLevel.NO_OPT);
      o.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(file.toString(), o)) {
        return new Signature(OrtTensors.specs(s.getInputInfo()), OrtTensors.specs(s.getOutputInfo()));
      }
    } catch (OrtException e) {
      throw new InvalidModelException("not a valid ONNX model: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("model not supported: " + e.getMessage());
    }
  }

  public static final class InvalidModelException extends RuntimeException {
    public InvalidModelException(String message) {
      super(message);
    }
  }
}
