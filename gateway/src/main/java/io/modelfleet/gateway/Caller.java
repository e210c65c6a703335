package io.modelfleet.gateway;

import io.modelfleet.gateway.security.Identity;
import io.modelfleet.protocol.model.RequestMeta;

/**
 * Who is calling and under which request id. Every route receives one from {@link
 * GatewayRoutes#withCaller}, where authentication sets the identity (the key's name and id, and its
 * tenant), so that every registry command, log line and audit event picks it up. {@code
 * traceparent} is the client's trace context when tracing is on (null otherwise).
 */
public record Caller(String principal, String requestId, Identity identity, String traceparent) {

  /** An anonymous caller (security off, or before authentication). */
  public Caller(String principal, String requestId) {
    this(principal, requestId, Identity.ANONYMOUS, null);
  }

  public Caller(String principal, String requestId, Identity identity) {
    this(principal, requestId, identity, null);
  }

  /** The same request, made by {@code who}. */
  public Caller as(Identity who) {
    return new Caller(who.principal(), requestId, who, traceparent);
  }

  /** The same request, with the client's W3C traceparent (read only when tracing is on). */
  public Caller tracedFrom(String incoming) {
    return new Caller(principal, requestId, identity, incoming);
  }

  public RequestMeta meta() {
    return new RequestMeta(principal, requestId, null, identity.tenant());
  }

  public RequestMeta meta(String reason) {
    return new RequestMeta(principal, requestId, reason, identity.tenant());
  }
}
