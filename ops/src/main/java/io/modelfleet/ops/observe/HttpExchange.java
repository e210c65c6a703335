package io.modelfleet.ops.observe;

/**
 * One HTTP request as the gateway answered it.
 *
 * @param route the route's template, not the path ({@code /v2/models/{m}/infer}), so that label
 *     values stay few
 * @param durationNanos from the request's head arriving to its response being handed to the
 *     connection
 * @param principal the key's {@code "name (id)"}, or "anonymous"
 * @param keyId the key's id, or empty
 * @param tenant the caller's tenant
 * @param requestBytes the request's Content-Length, or -1 when unknown
 * @param responseBytes the response's length, or -1 when streamed
 */
public record HttpExchange(
    String method,
    String path,
    String route,
    int status,
    long durationNanos,
    String requestId,
    String principal,
    String keyId,
    String tenant,
    long requestBytes,
    long responseBytes) {}
