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
 *
 * <p>{@code traceparent} is the W3C trace context of the gateway's span for this request (null when
 * tracing is off), so the replica's spans join the client's trace.
 */
public record InferRequest(
    String id,
    List<Tensor> inputs,
    List<String> outputs,
    int priority,
    long timeoutMicros,
    String traceparent) {

  public InferRequest(
      String id, List<Tensor> inputs, List<String> outputs, int priority, long timeoutMicros) {
    this(id, inputs, outputs, priority, timeoutMicros, null);
  }

  public InferRequest(String id, List<Tensor> inputs, List<String> outputs) {
    this(id, inputs, outputs, 0, 0);
  }

  /** The same request carrying {@code traceparent}. */
  public InferRequest withTraceparent(String traceparent) {
    return new InferRequest(id, inputs, outputs, priority, timeoutMicros, traceparent);
  }
}
