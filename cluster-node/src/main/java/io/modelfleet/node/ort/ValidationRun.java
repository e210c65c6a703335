package io.modelfleet.node.ort;

import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a version's stability checks ({@link ValidationSample}) on an opened session, once each, in
 * order, and compares the outputs with {@link ValidationCheck}. A replica runs them after its
 * warm-up and before it reports READY.
 */
public final class ValidationRun {

  private ValidationRun() {}

  /** Null when every sample runs and matches; otherwise the first problem, naming its sample. */
  public static String check(
      ModelSession session, List<ValidationSample> samples, String model, String version) {
    for (ValidationSample sample : samples) {
      InferReply r;
      try {
        r =
            session.run(
                new InferRequest("validation " + sample.name(), sample.inputs(), List.of()),
                model,
                version);
      } catch (RuntimeException e) {
        r = new InferReply.InferFailure(500, String.valueOf(e));
      }
      if (r instanceof InferReply.InferFailure f) {
        return "validation sample '" + sample.name() + "' failed to run: " + f.error();
      }
      Map<String, Tensor> outputs = new HashMap<>();
      for (Tensor t : ((InferReply.InferResult) r).outputs()) {
        outputs.put(t.name(), t);
      }
      String mismatch = ValidationCheck.mismatch(sample, outputs);
      if (mismatch != null) {
        return mismatch;
      }
    }
    return null;
  }
}
