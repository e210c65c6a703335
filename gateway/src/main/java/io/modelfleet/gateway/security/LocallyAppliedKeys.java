package io.modelfleet.gateway.security;

import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Key management that also applies each acknowledged change to this gateway's {@link KeyCache} at
 * once: a key created through a gateway works on that gateway as soon as the 201 is sent, and a
 * revoked one stops working there before the 200, without waiting for the replicated map.
 */
final class LocallyAppliedKeys implements KeyAdmin {

  private final KeyAdmin registry;
  private final KeyCache cache;

  LocallyAppliedKeys(KeyAdmin registry, KeyCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  @Override
  public CompletionStage<Created> create(NewKey key, RequestMeta meta) {
    return registry
        .create(key, meta)
        .thenApply(
            created -> {
              cache.changedHere(created.key());
              return created;
            });
  }

  @Override
  public CompletionStage<List<ApiKey>> list() {
    return registry.list();
  }

  @Override
  public CompletionStage<ApiKey> revoke(String id, RequestMeta meta) {
    return registry.revoke(id, meta).thenApply(this::applied);
  }

  @Override
  public CompletionStage<ApiKey> changeAccess(
      String id, Set<Role> roles, List<Grant> grants, RequestMeta meta) {
    return registry.changeAccess(id, roles, grants, meta).thenApply(this::applied);
  }

  @Override
  public CompletionStage<ApiKey> changeLimits(String id, KeyLimits limits, RequestMeta meta) {
    return registry.changeLimits(id, limits, meta).thenApply(this::applied);
  }

  @Override
  public CompletionStage<List<HistoryEntry>> history() {
    return registry.history();
  }

  private ApiKey applied(ApiKey key) {
    cache.changedHere(key);
    return key;
  }
}
