package io.modelfleet.ops.observe;

/**
 * One inference as the gateway that received it saw it: who asked, which model, how much went in
 * and out, and what it cost on the replica. The unit of usage metering.
 *
 * @param keyId the key's id, or empty without a key (security off)
 * @param tenant the caller's tenant
 * @param client the client's address (what metering groups by when there is no key)
 * @param version the version that served it (empty when no replica answered)
 * @param ok whether it was answered with outputs
 * @param rows rows along dimension 0 of the first input (1 for a request without a batch dimension)
 * @param inputBytes bytes of the input tensors' data
 * @param outputBytes bytes of the output tensors' data
 * @param computeNanos the request's share of its execution on the replica (by rows of its batch)
 * @param device the device that ran it ("cpu", "gpu:0"), or empty
 */
public record InferenceRecord(
    String keyId,
    String tenant,
    String client,
    String model,
    String version,
    boolean ok,
    long rows,
    long inputBytes,
    long outputBytes,
    long computeNanos,
    String device) {}
