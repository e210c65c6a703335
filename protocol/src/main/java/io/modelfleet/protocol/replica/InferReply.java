package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/** The answer of a replica to an inference. */
public sealed interface InferReply extends FleetSerializable {

  /**
   * The outputs. {@code computeNanos} is this request's share (by rows) of the execution that ran
   * it, and {@code device} the device that ran it ("cpu", "gpu:0"): what usage metering charges.
   */
  record InferResult(
      String model,
      String version,
      String id,
      List<Tensor> outputs,
      long computeNanos,
      String device)
      implements InferReply {

    public InferResult(String model, String version, String id, List<Tensor> outputs) {
      this(model, version, id, outputs, 0, "");
    }
  }

  /**
   * The inference was refused or failed. {@code status} is the HTTP status the client should see:
   * 400 for a request that does not fit the model, 503 for a replica that is not ready, 500 for a
   * fault in the runtime.
   */
  record InferFailure(int status, String error, boolean replicaLeaving) implements InferReply {

    /** A failure of the request (not a replica on its way out). */
    public InferFailure(int status, String error) {
      this(status, error, false);
    }

    /**
     * A 503 from a replica that is not serving any more (stopping, draining ran out, not READY):
     * the gateway may wait a little for the replica that replaces it, which a 503 for a full queue
     * does not deserve.
     */
    public static InferFailure leaving(String error) {
      return new InferFailure(503, error, true);
    }
  }
}
