package io.modelfleet.ops.alerts;

/**
 * A cluster member the leader sees in trouble.
 *
 * @param address the member's address, without its uid ({@code pekko://modelfleet@host:port})
 * @param removed false while it is unreachable; true once it was removed while unreachable (downed)
 *     and has not come back
 */
public record MemberProblem(String address, boolean removed) {}
