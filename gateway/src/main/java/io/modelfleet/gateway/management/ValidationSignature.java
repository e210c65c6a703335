package io.modelfleet.gateway.management;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.List;

/**
 * Checks validation samples against the version's signature before they are recorded: every input
 * and output a sample names must be one of the model's, with its datatype and a shape it accepts
 * (400 otherwise), so that a typo is refused at once instead of failing every replica. Whether the
 * values match is for the replicas to find out.
 */
public final class ValidationSignature {

  private ValidationSignature() {}

  public static void check(List<ValidationSample> samples, VersionInfo version) {
    for (int i = 0; i < samples.size(); i++) {
      ValidationSample s = samples.get(i);
      String where = "samples[" + i + "]";
      fit(where + ".inputs", s.inputs(), version.inputs(), "input", version.version());
      fit(where + ".outputs", s.outputs(), version.outputs(), "output", version.version());
    }
  }

  private static void fit(
      String where, List<Tensor> tensors, List<TensorSpec> specs, String kind, String version) {
    for (int j = 0; j < tensors.size(); j++) {
      Tensor t = tensors.get(j);
      TensorSpec spec =
          specs.stream().filter(sp -> sp.name().equals(t.name())).findFirst().orElse(null);
      String at = "'" + where + "[" + j + "]': ";
      if (spec == null) {
        throw ApiException.badRequest(
            at
                + "version '"
                + version
                + "' has no "
                + kind
                + " '"
                + t.name()
                + "'; its "
                + kind
                + "s: "
                + specs.stream().map(TensorSpec::name).toList());
      }
      if (spec.datatype() != t.datatype()) {
        throw ApiException.badRequest(
            at + kind + " '" + t.name() + "' is " + spec.datatype() + ", not " + t.datatype());
      }
      if (!spec.accepts(t.shape())) {
        throw ApiException.badRequest(
            at
                + kind
                + " '"
                + t.name()
                + "' has shape "
                + spec.shape()
                + " (-1 is any size); "
                + Tensor.shapeText(t.shape())
                + " does not fit");
      }
    }
  }
}
