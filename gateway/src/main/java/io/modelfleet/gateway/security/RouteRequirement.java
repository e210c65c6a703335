package io.modelfleet.gateway.security;

import io.modelfleet.protocol.security.Permission;

/** What one request needs before its route runs, as {@link RoutePermissions} reads it. */
public sealed interface RouteRequirement {

  /** Anyone, without a key: only the liveness and readiness probes. */
  record Public() implements RouteRequirement {}

  /**
   * A valid key and nothing more: paths the gateway does not serve, so that an anonymous caller
   * learns nothing from a 404 (and a 405 for a known path with another method).
   */
  record AnyKey() implements RouteRequirement {}

  /**
   * A valid key holding {@code permission}; for a model permission, {@code model} is the model the
   * path names, or null for a listing (filtered by the caller's tenant and grants afterwards).
   */
  record Needs(Permission permission, String model) implements RouteRequirement {
    public Needs {
      if (permission == null) {
        throw new IllegalArgumentException("a requirement needs a permission");
      }
      if (model != null && !permission.modelScoped()) {
        throw new IllegalArgumentException(permission.label() + " does not apply to a model");
      }
    }
  }

  RouteRequirement PUBLIC = new Public();
  RouteRequirement ANY_KEY = new AnyKey();

  static RouteRequirement needs(Permission permission) {
    return new Needs(permission, null);
  }

  static RouteRequirement needs(Permission permission, String model) {
    return new Needs(permission, model);
  }
}
