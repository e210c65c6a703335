package io.modelfleet.gateway.security;

import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import java.util.Optional;

/**
 * Who an admitted request is: the principal the audit history records ({@code "name (id)"} of the
 * key), its tenant, and the key itself for listings, rate limits and quotas. Anonymous (no key) on
 * a public route, and on every route when security is off.
 */
public record Identity(String principal, String tenant, Optional<ApiKey> key) {

  /** No key: a public route, or security off. */
  public static final Identity ANONYMOUS =
      new Identity(RequestMeta.ANONYMOUS, ModelTenants.DEFAULT, Optional.empty());

  public static Identity of(ApiKey key) {
    return new Identity(key.principal(), key.tenant(), Optional.of(key));
  }

  public static Identity of(Optional<ApiKey> key) {
    return key.map(Identity::of).orElse(ANONYMOUS);
  }

  /**
   * Whether listings show this caller {@code model}: always when there is no key (security off, or
   * a public route, which lists nothing), else by the key's tenant and grants.
   */
  public boolean sees(String model, ModelTenants tenants) {
    return key.isEmpty() || AccessDecision.visible(key.get(), model, tenants);
  }
}
