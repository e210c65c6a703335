package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/**
 * One inference as the replica sees it. {@code outputs} names the outputs to return; empty means
 * all of them. {@code id} is the client's request id, echoed back.
 *
 * <p>{@code priority} follows Triton: 1 is the highest, 0 means the default (lowest). {@code
 * timeoutMicros} is the time the request may spend queued before it runs, counted from its arrival
 * at the replica (a relative time, so node clocks need not agree); 0 means no limit.
 */
public record InferRequest(
    String id, List<Tensor> inputs, List<String> outputs, int priority, long timeoutMicros) {

  public InferRequest(String id, List<Tensor> inputs, List<String> outputs) {
    this(id, inputs, outputs, 0, 0);
  }
}
