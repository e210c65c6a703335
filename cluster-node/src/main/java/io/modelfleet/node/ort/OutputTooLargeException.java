package io.modelfleet.node.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.Collection;
import java.util.Optional;

/**
 * A model's outputs would be larger than {@code modelfleet.replica.max-output-bytes}. Found from
 * the outputs' shapes right after the run, while they are still ONNX Runtime's native memory, so
 * the heap never holds them; the caller gets a 400 naming the output, and the replica serves on. A
 * tiny model can expand a 16-byte input to gigabytes (Expand, Tile), so the input size proves
 * nothing about the output's.
 */
public final class OutputTooLargeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  OutputTooLargeException(String message) {
    super(message, null, false, false);
  }

  /**
   * Throws when the wanted outputs of {@code result}, for {@code requests} merged requests, pass
   * the limit.
   */
  static void check(
      OrtSession.Result result, Collection<String> wanted, long maxOutputBytes, int requests)
      throws OrtException {
    long limit =
        maxOutputBytes > Long.MAX_VALUE / Math.max(1, requests)
            ? Long.MAX_VALUE
            : maxOutputBytes * requests;
    long total = 0;
    String largest = null;
    TensorInfo largestInfo = null;
    long largestBytes = -1;
    for (String name : wanted) {
      Optional<OnnxValue> v = result.get(name);
      if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
        continue;
      }
      TensorInfo info = t.getInfo();
      long bytes = bytes(info);
      total = total + bytes < 0 ? Long.MAX_VALUE : total + bytes;
      if (bytes > largestBytes) {
        largestBytes = bytes;
        largest = name;
        largestInfo = info;
      }
    }
    if (total > limit) {
      // Built only on refusal: this check runs on every execution.
      throw new OutputTooLargeException(
          "the model's outputs for this request would take "
              + total
              + " bytes, more than "
              + limit
              + " ("
              + OrtSettings.MAX_OUTPUT_KEY
              + (requests > 1 ? " × " + requests + " batched requests" : "")
              + "); the largest is output '"
              + largest
              + "' ("
              + OrtTensors.dataTypeOf(largestInfo)
              + " "
              + Tensor.shapeText(largestInfo.getShape())
              + ", "
              + largestBytes
              + " bytes)");
    }
  }

  /** What the output takes once copied to the heap; strings cost their Java object overhead too. */
  private static long bytes(TensorInfo info) {
    long count = info.getShape().length == 0 ? 1 : Math.max(0, info.getNumElements());
    DataType type = OrtTensors.dataTypeOf(info);
    return saturatingMultiply(
        count, type.fixedWidth() ? type.byteSize() : 4 + DataType.BYTES_ELEMENT_OVERHEAD);
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }
}
