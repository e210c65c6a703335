package io.modelfleet.protocol.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A bundle of permissions a key holds. Model permissions apply only to the models of the key's
 * tenant that its grants cover; {@link #ADMIN} alone also manages keys and cluster membership.
 *
 * <p>Cluster membership changes (drain, leave, down) are {@code admin} only: taking a node out of
 * the cluster affects every tenant, so it is not an operator's model-level action.
 */
public enum Role {
  ADMIN(EnumSet.allOf(Permission.class)),
  OPERATOR(
      EnumSet.of(
          Permission.READ_MODEL, Permission.DEPLOY, Permission.READ_CLUSTER, Permission.INFER)),
  PUBLISHER(EnumSet.of(Permission.UPLOAD, Permission.READ_MODEL)),
  INFERRER(EnumSet.of(Permission.INFER, Permission.READ_MODEL)),
  VIEWER(EnumSet.of(Permission.READ_MODEL, Permission.READ_CLUSTER));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  public Set<Permission> permissions() {
    return permissions;
  }

  /** The name clients write ("admin", "inferrer"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a client named, case-insensitively; empty when there is none of that name. */
  public static Optional<Role> parse(String label) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
