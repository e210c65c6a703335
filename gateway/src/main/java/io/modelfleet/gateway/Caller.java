package io.modelfleet.gateway;

import io.modelfleet.protocol.model.RequestMeta;

/**
 * Who is calling and under which request id. Every route receives one from {@link
 * GatewayRoutes#withCaller}, so that authentication replaces the principal in that one place and
 * every registry command, log line and audit event picks it up.
 */
public record Caller(String principal, String requestId) {

  public RequestMeta meta() {
    return new RequestMeta(principal, requestId, null);
  }

  public RequestMeta meta(String reason) {
    return new RequestMeta(principal, requestId, reason);
  }
}
