package io.modelfleet.gateway.security;

import java.util.Optional;

/**
 * Which tenant owns a model, as {@link AccessDecision} needs it: the tenant of an existing model
 * (models recorded before tenants existed belong to {@link #DEFAULT}), or empty when no model of
 * that name exists.
 *
 * <p>"Absent" and "default" must stay apart: an upload of a new model by a key of tenant {@code b}
 * creates it in {@code b}, while a model of {@code default} is another tenant's to that key. An
 * implementation must therefore never report an existing model as absent (fail closed: when in
 * doubt, report its owner or {@link #DEFAULT}). It runs on the request path, so it should read a
 * local, replicated view rather than ask the registry.
 */
@FunctionalInterface
public interface ModelTenants {

  /** The tenant of models recorded without one, and of the cluster's administrators. */
  String DEFAULT = "default";

  /** The owner of {@code model}; empty when there is no such model. */
  Optional<String> ownerOf(String model);
}
