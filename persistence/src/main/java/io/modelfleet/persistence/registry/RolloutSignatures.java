package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.util.List;

/**
 * Whether a candidate can take a baseline's traffic: the callers of the baseline send its inputs
 * and read its outputs, so every input and output of the baseline must exist in the candidate with
 * the same datatype and rank, and the candidate must not need an input the baseline's callers do
 * not send. Otherwise the canary's share would answer those callers 400 (a client's error, which is
 * neither retried on the baseline nor counted against the candidate), so such a rollout is refused
 * up front.
 */
final class RolloutSignatures {

  private RolloutSignatures() {}

  /** Why {@code candidate} cannot replace {@code baseline}, or null when it can. */
  static String problem(VersionInfo baseline, VersionInfo candidate) {
    String p = missing("input", baseline.inputs(), candidate.inputs(), candidate, baseline);
    if (p == null) {
      p = missing("output", baseline.outputs(), candidate.outputs(), candidate, baseline);
    }
    if (p == null) {
      for (TensorSpec c : candidate.inputs()) {
        if (find(baseline.inputs(), c.name()) == null) {
          p =
              "version '"
                  + candidate.version()
                  + "' needs input '"
                  + c.name()
                  + "', which callers of version '"
                  + baseline.version()
                  + "' do not send";
        }
      }
    }
    return p == null ? null : p + "; a rollout needs the same signature";
  }

  private static String missing(
      String kind,
      List<TensorSpec> wanted,
      List<TensorSpec> offered,
      VersionInfo candidate,
      VersionInfo baseline) {
    for (TensorSpec w : wanted) {
      TensorSpec o = find(offered, w.name());
      if (o == null) {
        return "version '"
            + candidate.version()
            + "' has no "
            + kind
            + " '"
            + w.name()
            + "' that version '"
            + baseline.version()
            + "' has";
      }
      if (o.datatype() != w.datatype() || o.shape().size() != w.shape().size()) {
        return kind
            + " '"
            + w.name()
            + "' is "
            + w.datatype()
            + " "
            + w.shape()
            + " in version '"
            + baseline.version()
            + "' but "
            + o.datatype()
            + " "
            + o.shape()
            + " in version '"
            + candidate.version()
            + "'";
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
}
