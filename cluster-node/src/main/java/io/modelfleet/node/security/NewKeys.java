package io.modelfleet.node.security;

import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin.NewKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What makes a new key valid, and the record it becomes: pure, so the rules have direct tests. The
 * record holds the secret's hash and prefix only; the secret itself goes back to the caller once.
 */
final class NewKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private NewKeys() {}

  /** A fresh key id: "k-" and 16 hex digits (64 random bits, not a secret). */
  static String newId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "k-" + HexFormat.of().formatHex(bytes);
  }

  /** Null when {@code k} may be created at {@code nowMillis}, else the sentence a client sees. */
  static String problem(NewKey k, long nowMillis) {
    String problem = Names.problem("name", k.name());
    if (problem == null) {
      problem = Names.problem("tenant", k.tenant());
    }
    if (problem == null) {
      problem = accessProblem(k.roles(), k.grants());
    }
    if (problem == null && k.expiresAt() < 0) {
      problem = "expires_at must be 0 (never) or a time in epoch milliseconds";
    }
    if (problem == null && k.expiresAt() > 0 && k.expiresAt() <= nowMillis) {
      problem = "expires_at must be in the future";
    }
    return problem;
  }

  /** Null when a key may hold these roles and grants, else the sentence a client sees. */
  static String accessProblem(Set<Role> roles, List<Grant> grants) {
    if (roles == null || roles.isEmpty() || roles.stream().anyMatch(Objects::isNull)) {
      return "a key needs at least one role: admin, operator, publisher, inferrer or viewer";
    }
    if (grants != null && grants.stream().anyMatch(Objects::isNull)) {
      return "a grant must not be empty; use \"*\" for every model of the tenant";
    }
    return null;
  }

  /** The record of a valid {@code k} whose secret is {@code secret}: hash and prefix only. */
  static ApiKey record(String id, NewKey k, String secret, long nowMillis) {
    return new ApiKey(
        id,
        k.name(),
        k.tenant(),
        k.roles(),
        k.grants() == null ? List.of() : k.grants(),
        k.limits() == null ? KeyLimits.NONE : k.limits(),
        KeySecrets.hash(secret),
        KeySecrets.prefix(secret),
        nowMillis,
        k.expiresAt(),
        0);
  }
}
