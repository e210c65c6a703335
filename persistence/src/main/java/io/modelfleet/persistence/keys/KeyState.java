package io.modelfleet.persistence.keys;

import io.modelfleet.protocol.FleetSerializable;
import io.modelfleet.protocol.security.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every key the registry knows, revoked ones included, in creation order (the order {@code GET
 * /v1/keys} lists them in). Immutable: each event yields a new state, so a reply built from one
 * never sees a later change. Also the registry's snapshot (Jackson, as every {@link
 * FleetSerializable}); a list keeps the order through that round trip without help.
 *
 * <p>Lookups are linear: a cluster holds tens to thousands of keys, changed rarely, and each change
 * copies the list anyway. The per-request lookup is the gateway's, on its own replicated map, never
 * here.
 */
public record KeyState(List<ApiKey> keys) implements FleetSerializable {

  public static final KeyState EMPTY = new KeyState(List.of());

  public KeyState {
    keys = List.copyOf(keys);
  }

  /** The key of that id, revoked or not. */
  public Optional<ApiKey> find(String id) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** The key that is not revoked and carries that name, if any (names are unique among those). */
  public Optional<ApiKey> activeNamed(String name) {
    return keys.stream().filter(k -> k.revokedAt() == 0 && k.name().equals(name)).findFirst();
  }

  /** The state after {@code event}. An event about an unknown key changes nothing. */
  public KeyState apply(KeyEvent event) {
    if (event instanceof KeyEvent.KeyCreated e) {
      List<ApiKey> next = new ArrayList<>(keys.size() + 1);
      next.addAll(keys);
      next.add(e.key());
      return new KeyState(next);
    }
    if (event instanceof KeyEvent.KeyRevoked e) {
      return change(e.id(), k -> k.revoked(e.revokedAt()));
    }
    if (event instanceof KeyEvent.KeyAccessChanged e) {
      return change(e.id(), k -> k.withGrants(e.roles(), e.grants()));
    }
    KeyEvent.KeyLimitsChanged e = (KeyEvent.KeyLimitsChanged) event;
    return change(e.id(), k -> k.withLimits(e.limits()));
  }

  private KeyState change(String id, UnaryOperator<ApiKey> f) {
    List<ApiKey> next = new ArrayList<>(keys.size());
    for (ApiKey k : keys) {
      next.add(k.id().equals(id) ? f.apply(k) : k);
    }
    return new KeyState(next);
  }
}
