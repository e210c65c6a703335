package io.modelfleet.gateway.security;

import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/** An in-memory key registry with the real one's refusals (404 unknown id, 409 name taken). */
final class FakeKeyAdmin implements KeyAdmin {

  private final Map<String, ApiKey> keys = new LinkedHashMap<>();
  private final List<HistoryEntry> history = new ArrayList<>();
  private int next;

  @Override
  public synchronized CompletionStage<Created> create(NewKey k, RequestMeta meta) {
    for (ApiKey existing : keys.values()) {
      if (existing.name().equals(k.name()) && existing.revokedAt() == 0) {
        return failed(409, "an API key named '" + k.name() + "' exists");
      }
    }
    String secret = KeySecrets.generate();
    ApiKey key =
        new ApiKey(
            "key-" + ++next,
            k.name(),
            k.tenant(),
            k.roles(),
            k.grants(),
            k.limits(),
            KeySecrets.hash(secret),
            KeySecrets.prefix(secret),
            1_700_000_000_000L,
            k.expiresAt(),
            0);
    keys.put(key.id(), key);
    record("KeyCreated", key, meta);
    return CompletableFuture.completedFuture(new Created(key, secret));
  }

  @Override
  public synchronized CompletionStage<List<ApiKey>> list() {
    return CompletableFuture.completedFuture(List.copyOf(keys.values()));
  }

  @Override
  public CompletionStage<ApiKey> revoke(String id, RequestMeta meta) {
    return change(
        id, "KeyRevoked", meta, k -> k.revokedAt() != 0 ? k : k.revoked(1_800_000_000_000L));
  }

  @Override
  public CompletionStage<ApiKey> changeAccess(
      String id, Set<Role> roles, List<Grant> grants, RequestMeta meta) {
    return change(id, "KeyAccessChanged", meta, k -> k.withGrants(roles, grants));
  }

  @Override
  public CompletionStage<ApiKey> changeLimits(String id, KeyLimits limits, RequestMeta meta) {
    return change(id, "KeyLimitsChanged", meta, k -> k.withLimits(limits));
  }

  @Override
  public synchronized CompletionStage<List<HistoryEntry>> history() {
    return CompletableFuture.completedFuture(List.copyOf(history));
  }

  private synchronized CompletionStage<ApiKey> change(
      String id, String event, RequestMeta meta, UnaryOperator<ApiKey> f) {
    ApiKey k = keys.get(id);
    if (k == null) {
      return failed(404, "no API key has the id '" + id + "'");
    }
    ApiKey changed = f.apply(k);
    keys.put(id, changed);
    record(event, changed, meta);
    return CompletableFuture.completedFuture(changed);
  }

  private void record(String event, ApiKey key, RequestMeta meta) {
    history.add(
        new HistoryEntry(
            history.size() + 1,
            Instant.ofEpochMilli(1_700_000_000_000L),
            event,
            meta.principal(),
            meta.requestId(),
            meta.reason(),
            Map.of("id", key.id(), "name", key.name(), "secret_hash", key.secretHash())));
  }

  private static <T> CompletionStage<T> failed(int status, String message) {
    return CompletableFuture.failedFuture(new KeyAdminException(status, message));
  }
}
