package io.modelfleet.persistence.db;

import java.nio.file.Path;

/**
 * The "To recover:" half of every refusal {@link RegistryGuard} makes: what to restore, and what to
 * move away to start a new, empty registry on purpose. Always both, so an operator is never told
 * only that something is wrong.
 */
record RecoveryAdvice(Path dataDir, Path artifactsDir, Path markerFile) {

  String restoreOrMove(String name) {
    return "restore "
        + name
        + " from a backup into "
        + dataDir
        + "; or, to start with a new, empty registry on purpose, "
        + "move "
        + name
        + ", "
        + RegistryGuard.MARKER
        + " and artifacts/ out of "
        + dataDir;
  }

  String restoreOrMoveArtifacts(String name) {
    return "restore "
        + name
        + " from a backup into "
        + dataDir
        + "; or, to start with a new, empty registry on purpose, "
        + "move "
        + artifactsDir
        + " away";
  }

  String restoreOrMoveMarker() {
    return "point modelfleet.database.url at this registry's database or restore it from a backup; or, to start "
        + "with a new, empty registry on purpose, move "
        + markerFile
        + " (and the model files under "
        + artifactsDir
        + ") away";
  }

  /** A backup from before registry ids has no id row: restoring one is a way out too. */
  String restoreOrMoveMarkerOldBackup(String restore) {
    return restore
        + "; a backup made by a release before registry ids has no modelfleet_registry table: after "
        + "restoring one, delete "
        + markerFile
        + " and the node adopts it";
  }
}
