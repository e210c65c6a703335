package io.modelfleet.protocol.tensor;

import java.util.List;

/**
 * The declared name, datatype and shape of a model input or output, read from the ONNX file. A
 * dimension of -1 is dynamic (a symbolic or missing dimension in the model).
 */
public record TensorSpec(String name, DataType datatype, List<Long> shape) {

  /** True when the concrete {@code actual} shape fits this spec (same rank, fixed dims equal). */
  public boolean accepts(long[] actual) {
    if (actual.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < actual.length; i++) {
      long want = shape.get(i);
      if (actual[i] < 0 || (want >= 0 && want != actual[i])) {
        return false;
      }
    }
    return true;
  }
}
