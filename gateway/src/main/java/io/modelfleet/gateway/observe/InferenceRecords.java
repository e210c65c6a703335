package io.modelfleet.gateway.observe;

import io.modelfleet.gateway.Caller;
import io.modelfleet.ops.observe.InferenceRecord;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/** Makes the {@link InferenceRecord} of an inference the gateway answered. */
public final class InferenceRecords {
  private InferenceRecords() {}

  public static InferenceRecord of(
      Caller caller, String model, InferRequest request, InferReply reply) {
    String keyId = caller.identity().key().map(ApiKey::id).orElse("");
    long inputBytes = bytes(request.inputs());
    long rows = rows(request.inputs());
    if (reply instanceof InferReply.InferResult r) {
      return new InferenceRecord(
          keyId,
          caller.identity().tenant(),
          caller.principal(),
          model,
          r.version(),
          true,
          rows,
          inputBytes,
          bytes(r.outputs()),
          r.computeNanos(),
          r.device() == null ? "" : r.device());
    }
    return new InferenceRecord(
        keyId,
        caller.identity().tenant(),
        caller.principal(),
        model,
        "",
        false,
        rows,
        inputBytes,
        0,
        0,
        "");
  }

  /** Rows along dimension 0 of the first input; 1 for a scalar or no input. */
  static long rows(List<Tensor> inputs) {
    if (inputs.isEmpty() || inputs.get(0).shape().length == 0) {
      return 1;
    }
    return inputs.get(0).shape()[0];
  }

  static long bytes(List<Tensor> tensors) {
    long n = 0;
    for (Tensor t : tensors) {
      if (t != null && t.data() != null) {
        n += t.data().length;
      }
    }
    return n;
  }
}
