package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.RequestMeta;
import java.time.Instant;

/**
 * When, by whom, for which tenant and why an event happened: the audit half of every registry
 * event. {@code tenant} is null in events written before tenants existed (see {@link
 * RequestMeta#tenant}).
 */
public record EventMeta(
    Instant at, String principal, String requestId, String reason, String tenant) {

  public EventMeta(Instant at, String principal, String requestId, String reason) {
    this(at, principal, requestId, reason, null);
  }

  public static EventMeta of(RequestMeta m) {
    return new EventMeta(Instant.now(), m.principal(), m.requestId(), m.reason(), m.tenant());
  }
}
