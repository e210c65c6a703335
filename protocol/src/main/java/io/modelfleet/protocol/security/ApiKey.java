package io.modelfleet.protocol.security;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;
import java.util.Set;

/**
 * One API key as the cluster knows it: never the secret, only its SHA-256 ({@code secretHash}) and
 * the first characters a person recognises it by ({@code prefix}). Held by the key registry
 * (event-sourced, the audit trail) and replicated to every gateway, which authenticates a request
 * by hashing the presented secret and looking the hash up locally.
 *
 * @param expiresAt epoch milliseconds after which the key is refused; 0 = never
 * @param revokedAt epoch milliseconds of the revocation; 0 = not revoked
 */
public record ApiKey(
    String id,
    String name,
    String tenant,
    Set<Role> roles,
    List<Grant> grants,
    KeyLimits limits,
    String secretHash,
    String prefix,
    long createdAt,
    long expiresAt,
    long revokedAt)
    implements FleetSerializable {

  public ApiKey {
    roles = Set.copyOf(roles);
    grants = List.copyOf(grants);
  }

  /** Whether the key authenticates a request at {@code nowMillis}. */
  public boolean usableAt(long nowMillis) {
    return revokedAt == 0 && (expiresAt == 0 || nowMillis < expiresAt);
  }

  /** Whether any of the key's roles carries {@code p}. */
  public boolean has(Permission p) {
    for (Role r : roles) {
      if (r.permissions().contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the key's grants cover {@code model} (its tenant is checked separately). */
  public boolean covers(String model) {
    for (Grant g : grants) {
      if (g.covers(model)) {
        return true;
      }
    }
    return false;
  }

  /** How the audit history names the key: its name and id. */
  public String principal() {
    return name + " (" + id + ")";
  }

  public ApiKey revoked(long atMillis) {
    return new ApiKey(
        id,
        name,
        tenant,
        roles,
        grants,
        limits,
        secretHash,
        prefix,
        createdAt,
        expiresAt,
        atMillis);
  }

  public ApiKey withGrants(Set<Role> newRoles, List<Grant> newGrants) {
    return new ApiKey(
        id,
        name,
        tenant,
        newRoles,
        newGrants,
        limits,
        secretHash,
        prefix,
        createdAt,
        expiresAt,
        revokedAt);
  }

  public ApiKey withLimits(KeyLimits newLimits) {
    return new ApiKey(
        id,
        name,
        tenant,
        roles,
        grants,
        newLimits,
        secretHash,
        prefix,
        createdAt,
        expiresAt,
        revokedAt);
  }
}
