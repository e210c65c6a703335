package io.modelfleet.gateway.limits;

/**
 * What {@link Limiter#admit} answers for one request: {@link Admitted} (serve it, then release) or
 * {@link Refused} (answer 429 with {@link LimitResponses#refused}).
 */
public sealed interface Admission permits Admitted, Refused {}
