package io.modelfleet.protocol.model;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/**
 * One stability check a version carries: inputs, the outputs the version must give for them, and
 * the tolerance of the comparison. A replica of the version runs every sample after loading (and
 * after its warm-up) and before it reports READY; a mismatch makes it FAILED with the sample's
 * name, the output, the element and both values, so the version never takes traffic and no alias
 * switches to it.
 *
 * <p>Floating-point elements match when {@code |actual - expected| <= atol + rtol * |expected|}
 * (NaN matches only NaN, an infinity only the same infinity); integer, BOOL and BYTES elements
 * match exactly. Outputs the sample does not name are not compared. Samples are journalled with the
 * version (the gateway bounds their size with the warm-up bounds).
 *
 * @param name shown in a failure reason
 * @param inputs full tensors (shape and data) sent to the model
 * @param outputs the expected tensors; each names one model output
 * @param atol absolute tolerance, non-negative
 * @param rtol relative tolerance, non-negative
 */
public record ValidationSample(
    String name, List<Tensor> inputs, List<Tensor> outputs, double atol, double rtol) {

  /** Tolerances when a sample names none: close to ONNX Runtime's own test defaults. */
  public static final double DEFAULT_ATOL = 1e-5;

  public static final double DEFAULT_RTOL = 1e-4;

  public ValidationSample {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }
}
