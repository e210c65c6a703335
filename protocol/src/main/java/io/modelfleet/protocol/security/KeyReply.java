package io.modelfleet.protocol.security;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;

/** The key registry's answers. */
public sealed interface KeyReply extends FleetSerializable {

  /** The key as it is after the command. */
  record Key(ApiKey key) implements KeyReply {}

  /** Every key, in creation order. */
  record Keys(List<ApiKey> keys) implements KeyReply {}

  /** Refused: {@code status} is the HTTP status a client should see (404, 409). */
  record Rejected(int status, String message) implements KeyReply {}
}
