package io.modelfleet.gateway.oip;

import io.modelfleet.protocol.replica.InferRequest;

/**
 * A parsed inference: what goes to the replica, and how the gateway is to write the answer, which
 * the replica need not know.
 */
record InferCall(InferRequest request, BinaryOutputs binaryOutputs) {}
