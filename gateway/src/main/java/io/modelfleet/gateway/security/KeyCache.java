package io.modelfleet.gateway.security;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeySecrets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This gateway's view of every API key, so that authenticating a request is one SHA-256 and one map
 * lookup in local memory, never a registry or database read.
 *
 * <p>The {@link KeyCacheSubscriber} replaces the whole view when the replicated {@code
 * ClusterKeys.API_KEYS} map changes (a revocation reaches every gateway within the replicator's
 * gossip and notify intervals, about a second). Request threads read one immutable snapshot through
 * a volatile field, so a lookup never blocks and never sees half a change. Revoked and expired keys
 * stay in the view (listings show them) and are refused by {@link ApiKey#usableAt}.
 */
public final class KeyCache {

  private record Snapshot(Map<String, ApiKey> byHash, Map<String, ApiKey> byId) {}

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

  private volatile boolean received;

  /** How long a change made through this gateway outranks the replicated map that lags it. */
  private static final long LOCAL_GRACE_NANOS = 30_000_000_000L;

  /** Keys changed through this gateway, by id, until the replicated map shows the same. */
  private final Map<String, Pending> pending = new HashMap<>();

  private record Pending(ApiKey key, long atNanos) {}

  private Collection<ApiKey> replicated = List.of();

  /** An empty cache, filled by a {@link KeyCacheSubscriber}. */
  public KeyCache() {}

  /** A cache holding exactly {@code keys} (tests, and a node that has its keys at hand). */
  public static KeyCache of(Collection<ApiKey> keys) {
    KeyCache cache = new KeyCache();
    cache.replace(keys);
    return cache;
  }

  /**
   * The usable key whose secret is {@code secret}. A credential not shaped like a secret this
   * cluster issues is refused before it is hashed, so junk costs no hashing.
   */
  public Optional<ApiKey> authenticate(String secret, long nowMillis) {
    if (!KeySecrets.wellFormed(secret)) {
      return Optional.empty();
    }
    String hash = KeySecrets.hash(secret);
    ApiKey key = snapshot.byHash().get(hash);
    if (key == null || !KeySecrets.sameHash(hash, key.secretHash()) || !key.usableAt(nowMillis)) {
      return Optional.empty();
    }
    return Optional.of(key);
  }

  /** The key with id {@code id}, usable or not. */
  public Optional<ApiKey> byId(String id) {
    return Optional.ofNullable(snapshot.byId().get(id));
  }

  /** Every key, revoked and expired ones included. */
  public Collection<ApiKey> all() {
    return snapshot.byId().values();
  }

  /** Whether the replicated keys have arrived at least once. */
  public boolean received() {
    return received;
  }

  /** Replaces the whole view with {@code keys}, the replicated map. */
  public synchronized void replace(Collection<ApiKey> keys) {
    replicated = List.copyOf(keys);
    rebuild();
    received = true;
  }

  /**
   * A key this gateway has just created, changed or revoked: it takes effect here at once, instead
   * of after the key publisher's round trip, and keeps precedence over the replicated map until
   * that map shows the same key (or for 30 s). Other gateways learn it from the map.
   */
  public synchronized void changedHere(ApiKey key) {
    pending.put(key.id(), new Pending(key, System.nanoTime()));
    rebuild();
  }

  private void rebuild() {
    Map<String, ApiKey> byId = new HashMap<>();
    for (ApiKey k : replicated) {
      byId.put(k.id(), k);
    }
    long now = System.nanoTime();
    pending
        .values()
        .removeIf(
            p -> p.key().equals(byId.get(p.key().id())) || now - p.atNanos() > LOCAL_GRACE_NANOS);
    pending.values().forEach(p -> byId.put(p.key().id(), p.key()));
    Map<String, ApiKey> byHash = new HashMap<>();
    for (ApiKey k : byId.values()) {
      byHash.put(k.secretHash(), k);
    }
    snapshot = new Snapshot(Map.copyOf(byHash), Map.copyOf(byId));
  }
}
