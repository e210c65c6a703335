package io.modelfleet.gateway.oip;

import io.modelfleet.gateway.memory.MemorySettings;
import io.modelfleet.gateway.oip.tensor.TensorWriter;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.tensor.Tensor;

/**
 * Refuses a response whose JSON would be too large to build before building it. A float takes 4
 * bytes in a tensor but up to 16 as JSON text, so a model whose outputs pass the replica's {@code
 * max-output-bytes} can still produce a JSON body several times that size; the gateway checks the
 * JSON's upper bound ({@link TensorWriter#jsonSizeEstimate}) against {@code
 * max-json-response-bytes}. Outputs the client takes as binary data count at their own size.
 */
final class ResponseSize {

  private ResponseSize() {}

  /**
   * The upper bound of the JSON part of the response (binary outputs follow it as they are,
   * uncopied).
   */
  static long jsonBytes(InferResult result, BinaryOutputs binary) {
    long total = 256;
    for (Tensor t : result.outputs()) {
      if (!(binary.any() && binary.binary(t.name()))) {
        total += TensorWriter.jsonSizeEstimate(t);
      }
    }
    return total;
  }

  /** The sentence for a 400 when the response is too large, or null when it may be written. */
  static String jsonProblem(InferResult result, BinaryOutputs binary, long limit) {
    long total = 0;
    Tensor largest = null;
    long largestSize = -1;
    for (Tensor t : result.outputs()) {
      boolean asBinary = binary.any() && binary.binary(t.name());
      long size = asBinary ? t.data().length : TensorWriter.jsonSizeEstimate(t);
      total += size;
      if (!asBinary && size > largestSize) {
        largest = t;
        largestSize = size;
      }
    }
    if (total <= limit) {
      return null;
    }
    String which =
        largest == null
            ? ""
            : "; output '"
                + largest.name()
                + "' ("
                + largest.datatype()
                + " "
                + Tensor.shapeText(largest.shape())
                + ", "
                + largest.data().length
                + " bytes as a tensor) alone can take up to "
                + largestSize
                + " bytes as JSON";
    return "the response would take up to "
        + total
        + " bytes, more than "
        + limit
        + " ("
        + MemorySettings.JSON_RESPONSE_KEY
        + ")"
        + which
        + ". Ask for large outputs as binary data"
        + " (\"parameters\": {\"binary_data\": true}) or raise the limit";
  }
}
