package io.modelfleet.persistence.registry;

import io.modelfleet.protocol.model.RequestMeta;
import java.time.Instant;

/** When, by whom and why an event happened: the audit half of every registry event. */
public record EventMeta(Instant at, String principal, String requestId, String reason) {

  public static EventMeta of(RequestMeta m) {
    return new EventMeta(Instant.now(), m.principal(), m.requestId(), m.reason());
  }
}
