package io.modelfleet.gateway.security;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Permission;
import io.modelfleet.protocol.security.Role;
import java.util.Optional;

/**
 * Whether a request may run, decided from its key, its route's {@link RouteRequirement} and the
 * owner of the model it names. Pure: no I/O, no clock (the key was checked for expiry when it was
 * authenticated).
 *
 * <p>The checks, in order:
 *
 * <ol>
 *   <li>public route: allowed, with or without a key;
 *   <li>no usable key: {@link Unauthenticated} (401);
 *   <li>the key's roles lack the permission: {@link Forbidden} (403 naming it). Cluster and key
 *       permissions also need a key of the {@link ModelTenants#DEFAULT} tenant: cluster membership
 *       and keys are shared by every tenant, so another tenant's admin must not down a node or mint
 *       a key of the default tenant;
 *   <li>a model permission on a named model, unless the key is a {@linkplain #clusterAdmin cluster
 *       administrator}: the model exists in another tenant: {@link Hidden} (404, word for word the
 *       unknown model's); the key's grants do not cover the model: {@link Forbidden} naming the
 *       grant when the model exists in the key's own tenant, {@link Hidden} when it does not exist
 *       (a 403 there and a 404 for another tenant's model would tell the two apart);
 *   <li>otherwise allowed. A listing (no model) is allowed and filtered with {@link #visible}.
 * </ol>
 *
 * A cluster administrator (role admin in tenant default) sees every tenant's models; its grants
 * still apply. Admins of other tenants see only their tenant's models.
 */
public sealed interface AccessDecision {

  /** The request may run; {@code key} is empty on a public route called without one. */
  record Allowed(Optional<ApiKey> key) implements AccessDecision {}

  /** 401: no credentials, or a key that is unknown, revoked or expired. */
  record Unauthenticated(String message) implements AccessDecision {}

  /** 403: a known key without the right; {@code message} names what it lacks. */
  record Forbidden(String message) implements AccessDecision {}

  /** 404: the model is not the key's to know of; answered as for a model that does not exist. */
  record Hidden(String model) implements AccessDecision {}

  String UNAUTHENTICATED =
      "this endpoint needs an API key: send the header 'Authorization: Bearer <key>'";

  static AccessDecision decide(
      Optional<ApiKey> key, RouteRequirement requirement, ModelTenants tenants) {
    if (requirement instanceof RouteRequirement.Public) {
      return new Allowed(key);
    }
    if (key.isEmpty()) {
      return new Unauthenticated(UNAUTHENTICATED);
    }
    ApiKey k = key.get();
    if (!(requirement instanceof RouteRequirement.Needs needs)) {
      return new Allowed(key);
    }
    Permission p = needs.permission();
    if (!k.has(p)) {
      return new Forbidden("this key lacks the '" + p.label() + "' permission");
    }
    if (!p.modelScoped()) {
      return ModelTenants.DEFAULT.equals(k.tenant())
          ? new Allowed(key)
          : new Forbidden(
              "this key lacks the '"
                  + p.label()
                  + "' permission: cluster and key management are for keys of the '"
                  + ModelTenants.DEFAULT
                  + "' tenant");
    }
    String model = needs.model();
    if (model == null) {
      return new Allowed(key);
    }
    Optional<String> owner = tenants.ownerOf(model);
    boolean admin = clusterAdmin(k);
    if (!admin && owner.isPresent() && !owner.get().equals(k.tenant())) {
      return new Hidden(model);
    }
    if (!k.covers(model)) {
      return owner.isPresent() || admin
          ? new Forbidden("this key's grants do not cover model '" + model + "'")
          : new Hidden(model);
    }
    return new Allowed(key);
  }

  /**
   * Whether a listing (models, repository index, statistics) shows {@code model} to {@code key}.
   */
  static boolean visible(ApiKey key, String model, ModelTenants tenants) {
    if (!key.covers(model)) {
      return false;
    }
    if (clusterAdmin(key)) {
      return true;
    }
    return tenants.ownerOf(model).orElse(ModelTenants.DEFAULT).equals(key.tenant());
  }

  /** The cluster's administrator: role admin in the default tenant; sees every tenant's models. */
  static boolean clusterAdmin(ApiKey key) {
    return key.roles().contains(Role.ADMIN) && ModelTenants.DEFAULT.equals(key.tenant());
  }
}
