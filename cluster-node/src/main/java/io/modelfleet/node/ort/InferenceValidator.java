package io.modelfleet.node.ort;

import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a request against the model's signature before ONNX Runtime sees it, so a client's mistake
 * gets a sentence naming the input instead of a runtime error code.
 */
public final class InferenceValidator {
  private InferenceValidator() {}

  /** Null when the request fits, else the error sentence. */
  public static String problem(
      List<TensorSpec> inputs, List<TensorSpec> outputs, InferRequest req) {
    Set<String> seen = new HashSet<>();
    for (Tensor t : req.inputs()) {
      if (!seen.add(t.name())) {
        return "input '" + t.name() + "' is given more than once";
      }
      TensorSpec spec = find(inputs, t.name());
      if (spec == null) {
        return "unknown input '" + t.name() + "'; the model's inputs are " + names(inputs);
      }
      if (spec.datatype() != t.datatype()) {
        return "input '"
            + t.name()
            + "' has datatype "
            + t.datatype()
            + " but the model expects "
            + spec.datatype();
      }
      if (!spec.accepts(t.shape())) {
        return "input '"
            + t.name()
            + "' has shape "
            + Arrays.toString(t.shape())
            + " but the model expects "
            + spec.shape()
            + " (-1 is any size)";
      }
    }
    for (TensorSpec spec : inputs) {
      if (!seen.contains(spec.name())) {
        return "missing input '" + spec.name() + "'; the model's inputs are " + names(inputs);
      }
    }
    Set<String> wanted = new HashSet<>();
    for (String o : req.outputs()) {
      if (find(outputs, o) == null) {
        return "unknown output '" + o + "'; the model's outputs are " + names(outputs);
      }
      if (!wanted.add(o)) {
        return "output '" + o + "' is requested more than once";
      }
    }
    return null;
  }

  private static TensorSpec find(List<TensorSpec> specs, String name) {
    for (TensorSpec s : specs) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static List<String> names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }
}
