package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;

/**
 * Where an alias points: {@code version}, the registered version it was last set to, and {@code
 * previous}, the version that served it when it was set (null when none did). The gateway routes
 * the alias to {@code version} once that has a Ready replica, and until then to {@code previous}
 * (see the gateway's {@code AliasResolution}), like ModelMesh's vmodels.
 *
 * <p>A traffic split during a rollout: {@code canary} (null: none) receives {@code canaryPercent}
 * percent (0–100) of the alias's requests while it has a Ready replica, the rest go as above; a
 * request the canary fails with a server error is sent again to the version the alias serves.
 * {@code shadow} (null: none) receives a copy of {@code shadowPercent} percent of the requests the
 * alias's version answers, whose answers are compared and never returned to the caller.
 *
 * <p>Journals and snapshots written before splits existed read back with null and 0.
 */
public record AliasTarget(
    String version,
    String previous,
    String canary,
    int canaryPercent,
    String shadow,
    int shadowPercent)
    implements FleetSerializable {

  public AliasTarget {
    if (canary == null) {
      canaryPercent = 0;
    }
    if (shadow == null) {
      shadowPercent = 0;
    }
  }

  /** An alias without a split. */
  public AliasTarget(String version, String previous) {
    this(version, previous, null, 0, null, 0);
  }

  /** The same alias with another split ({@code null} versions: none). */
  public AliasTarget withSplit(String canary, int canaryPercent, String shadow, int shadowPercent) {
    return new AliasTarget(version, previous, canary, canaryPercent, shadow, shadowPercent);
  }
}
