package io.modelfleet.gateway;

import io.modelfleet.gateway.security.Identity;
import io.modelfleet.protocol.model.RequestMeta;

/**
 * Who is calling and under which request id. Every route receives one from {@link
 * GatewayRoutes#withCaller}, where authentication sets the identity (the key's name and id, and its
 * tenant), so that every registry command, log line and audit event picks it up.
 */
public record Caller(String principal, String requestId, Identity identity) {

  /** An anonymous caller (security off, or before authentication). */
  public Caller(String principal, String requestId) {
    this(principal, requestId, Identity.ANONYMOUS);
  }

  /** The same request, made by {@code who}. */
  public Caller as(Identity who) {
    return new Caller(who.principal(), requestId, who);
  }

  public RequestMeta meta() {
    return new RequestMeta(principal, requestId, null, identity.tenant());
  }

  public RequestMeta meta(String reason) {
    return new RequestMeta(principal, requestId, reason, identity.tenant());
  }
}
