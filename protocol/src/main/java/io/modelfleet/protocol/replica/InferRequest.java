package io.modelfleet.protocol.replica;

import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;

/**
 * One inference as the replica sees it. {@code outputs} names the outputs to return; empty means
 * all of them. {@code id} is the client's request id, echoed back.
 */
public record InferRequest(String id, List<Tensor> inputs, List<String> outputs) {}
