package io.modelfleet.gateway.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This gateway's view of which tenant owns each model: the replicated map the deployment controller
 * writes ({@link TenantDirectorySubscriber}), plus every model view the gateway itself reads from
 * the registry ({@link #learn}), which covers a model created a moment ago that the replicated map
 * does not show yet. A model's tenant never changes, so entries are only added. Reads are one map
 * lookup: this runs on every request.
 */
public final class TenantDirectory implements ModelTenants {

  private final Map<String, String> owners = new ConcurrentHashMap<>();

  @Override
  public Optional<String> ownerOf(String model) {
    return Optional.ofNullable(owners.get(model));
  }

  /** Records the owner of an existing model. */
  public void learn(String model, String tenant) {
    owners.putIfAbsent(model, tenant == null ? DEFAULT : tenant);
  }

  /** Records every entry of the replicated map. */
  void learnAll(Map<String, String> entries) {
    entries.forEach(this::learn);
  }
}
