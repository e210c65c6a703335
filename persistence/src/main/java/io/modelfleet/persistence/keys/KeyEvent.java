package io.modelfleet.persistence.keys;

import io.modelfleet.persistence.registry.EventMeta;
import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events of the key registry. Their journal is the audit history of access: who created, revoked or
 * changed which key, when and under which request ({@link EventMeta}). A created key carries only
 * the hash and prefix of its secret; {@link #toHistory} leaves even the hash out, so the history
 * shows nothing a client could authenticate or brute-force with.
 */
public sealed interface KeyEvent extends FleetSerializable {

  /** Tag on every event, so a reader (the key publisher, an auditor) can follow them all. */
  String TAG = "api-key";

  EventMeta meta();

  /** The key's id. */
  String id();

  record KeyCreated(ApiKey key, EventMeta meta) implements KeyEvent {
    @Override
    public String id() {
      return key.id();
    }
  }

  /**
   * @param revokedAt epoch milliseconds, as {@link ApiKey#revokedAt()} holds them
   */
  record KeyRevoked(String id, long revokedAt, EventMeta meta) implements KeyEvent {}

  record KeyAccessChanged(String id, Set<Role> roles, List<Grant> grants, EventMeta meta)
      implements KeyEvent {
    public KeyAccessChanged {
      roles = Set.copyOf(roles);
      grants = List.copyOf(grants);
    }
  }

  record KeyLimitsChanged(String id, KeyLimits limits, EventMeta meta) implements KeyEvent {}

  /** The event as {@code GET /v1/keys/history} shows it: never the secret's hash. */
  default HistoryEntry toHistory(long sequenceNr) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", id());
    String name;
    if (this instanceof KeyCreated e) {
      name = "KeyCreated";
      ApiKey k = e.key();
      details.put("name", k.name());
      details.put("tenant", k.tenant());
      details.put("prefix", k.prefix());
      access(details, k.roles(), k.grants());
      limits(details, k.limits());
      if (k.expiresAt() > 0) {
        details.put("expires_at", k.expiresAt());
      }
    } else if (this instanceof KeyRevoked e) {
      name = "KeyRevoked";
      details.put("revoked_at", e.revokedAt());
    } else if (this instanceof KeyAccessChanged e) {
      name = "KeyAccessChanged";
      access(details, e.roles(), e.grants());
    } else {
      KeyLimitsChanged e = (KeyLimitsChanged) this;
      name = "KeyLimitsChanged";
      limits(details, e.limits());
    }
    EventMeta m = meta();
    return new HistoryEntry(
        sequenceNr, m.at(), name, m.principal(), m.requestId(), m.reason(), details);
  }

  private static void access(Map<String, Object> details, Set<Role> roles, List<Grant> grants) {
    details.put("roles", roles.stream().map(Role::label).sorted().toList());
    details.put("grants", grants.stream().map(Grant::pattern).toList());
  }

  private static void limits(Map<String, Object> details, KeyLimits l) {
    KeyLimits limits = l == null ? KeyLimits.NONE : l;
    details.put("requests_per_second", limits.requestsPerSecond());
    details.put("burst", limits.burst());
    details.put("max_in_flight", limits.maxInFlight());
    details.put("upload_bytes_per_day", limits.uploadBytesPerDay());
  }
}
