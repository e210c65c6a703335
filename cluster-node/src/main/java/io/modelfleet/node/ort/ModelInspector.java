package io.modelfleet.node.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a model's signature at upload time by letting ONNX Runtime load it on the CPU. Loading is
 * the real test of "is this a valid ONNX model": the protobuf parses, the opset is supported, the
 * graph type-checks. Blocking; run it on the ORT dispatcher.
 */
public final class ModelInspector {
  private ModelInspector() {}

  public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {}

  /**
   * The signature; throws {@link InvalidModelException} with ONNX Runtime's reason, or when the
   * model keeps tensors in external data (see {@link ExternalDataScan}), which is checked before
   * ORT opens the file so that ORT never reads another file on the model's behalf.
   */
  public static Signature inspect(OrtEnvironment env, Path file) {
    refuseExternalData(file);
    try (SessionOptions o = new SessionOptions()) {
      // Only the graph is needed: skip optimisation and keep one thread.
      o.setOptimizationLevel(OptLevel.NO_OPT);
      o.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(file.toString(), o)) {
        return new Signature(
            OrtTensors.specs(s.getInputInfo()), OrtTensors.specs(s.getOutputInfo()));
      }
    } catch (OrtException e) {
      throw new InvalidModelException("not a valid ONNX model: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("model not supported: " + e.getMessage());
    }
  }

  /**
   * Throws {@link InvalidModelException} when {@code file} is not a protobuf or keeps data outside
   * itself. Blocking.
   */
  public static void refuseExternalData(Path file) {
    Optional<ExternalDataScan.Finding> found;
    try {
      found = ExternalDataScan.scan(file);
    } catch (ExternalDataScan.MalformedException | EOFException e) {
      throw new InvalidModelException("not a valid ONNX model: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the model file (" + e.getClass().getSimpleName() + ")", e);
    }
    found.ifPresent(
        f -> {
          throw new InvalidModelException(
              "the model keeps tensor '"
                  + clip(f.tensor())
                  + "' in external data (location '"
                  + clip(f.location())
                  + "'); external data is refused because a model is stored as one file: save it with "
                  + "every tensor inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False))");
        });
  }

  private static String clip(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  public static final class InvalidModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
      super(message);
    }
  }
}
