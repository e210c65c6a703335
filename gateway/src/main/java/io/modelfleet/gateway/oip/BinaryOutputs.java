package io.modelfleet.gateway.oip;

import io.modelfleet.gateway.shm.ShmRef;
import java.util.Map;

/**
 * Which outputs the client wants as binary data rather than JSON numbers. An output's own {@code
 * "binary_data"} decides when it is given, either way; otherwise the request's {@code
 * "binary_data_output"} does, which also covers outputs the client did not list.
 *
 * @param byDefault the request's {@code binary_data_output}
 * @param perOutput {@code binary_data} of each requested output that set it
 * @param shm the outputs to be written into shared memory regions (Triton's shared memory
 *     extension): neither JSON nor binary data in the body, so they count as binary here (outside
 *     the JSON) and the response writers ask {@link #shm} first
 */
record BinaryOutputs(boolean byDefault, Map<String, Boolean> perOutput, Map<String, ShmRef> shm) {

  /** Everything as JSON: the request used no binary parameter. */
  static final BinaryOutputs NONE = new BinaryOutputs(false, Map.of());

  BinaryOutputs {
    perOutput = Map.copyOf(perOutput);
    shm = Map.copyOf(shm);
  }

  BinaryOutputs(boolean byDefault, Map<String, Boolean> perOutput) {
    this(byDefault, perOutput, Map.of());
  }

  boolean binary(String output) {
    if (!shm.isEmpty() && shm.containsKey(output)) {
      return true;
    }
    Boolean own = perOutput.get(output);
    return own != null ? own : byDefault;
  }

  /** Where the output goes in shared memory, or null when it goes in the body. */
  ShmRef shm(String output) {
    return shm.isEmpty() ? null : shm.get(output);
  }

  /** False when no output can be binary, so the response skips the per-output question. */
  boolean any() {
    return byDefault || !shm.isEmpty() || perOutput.containsValue(Boolean.TRUE);
  }
}
