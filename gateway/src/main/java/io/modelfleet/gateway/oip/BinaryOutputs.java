package io.modelfleet.gateway.oip;

import java.util.Map;

/**
 * Which outputs the client wants as binary data rather than JSON numbers. An output's own {@code
 * "binary_data"} decides when it is given, either way; otherwise the request's {@code
 * "binary_data_output"} does, which also covers outputs the client did not list.
 *
 * @param byDefault the request's {@code binary_data_output}
 * @param perOutput {@code binary_data} of each requested output that set it
 */
record BinaryOutputs(boolean byDefault, Map<String, Boolean> perOutput) {

  /** Everything as JSON: the request used no binary parameter. */
  static final BinaryOutputs NONE = new BinaryOutputs(false, Map.of());

  BinaryOutputs {
    perOutput = Map.copyOf(perOutput);
  }

  boolean binary(String output) {
    Boolean own = perOutput.get(output);
    return own != null ? own : byDefault;
  }

  /** False when no output can be binary, so the response skips the per-output question. */
  boolean any() {
    return byDefault || perOutput.containsValue(Boolean.TRUE);
  }
}
