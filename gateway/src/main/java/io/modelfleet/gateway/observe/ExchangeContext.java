package io.modelfleet.gateway.observe;

import io.modelfleet.gateway.security.Identity;

/**
 * What the gateway learns about one request while routing it that its observation needs at the end:
 * who the caller turned out to be. Created per request by {@code GatewayRoutes}; written once by
 * the routing thread before the response exists, read when the response is complete.
 */
public final class ExchangeContext {
  private volatile Identity identity = Identity.ANONYMOUS;
  private volatile String requestId = "";
  private volatile String traceparent;

  public void traceparent(String header) {
    traceparent = header;
  }

  /** The client's traceparent header, read only when tracing is on. */
  public String traceparent() {
    return traceparent;
  }

  public void requestId(String id) {
    requestId = id;
  }

  public String requestId() {
    return requestId;
  }

  public void identified(Identity who) {
    identity = who;
  }

  public Identity identity() {
    return identity;
  }
}
