package io.modelfleet.persistence.registry;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * How the model registry snapshots its state, from {@code modelfleet.registry} (see reference.conf
 * for the meaning and the defaults). Snapshots only shorten recovery: events are never deleted,
 * because a model's event stream is its history.
 */
public record RegistrySettings(int snapshotEvery, int keepSnapshots) {

  public RegistrySettings {
    if (snapshotEvery < 0) {
      throw new IllegalArgumentException(
          "modelfleet.registry.snapshot-every must be 0 (off) or more, got " + snapshotEvery);
    }
    if (keepSnapshots < 1) {
      throw new IllegalArgumentException(
          "modelfleet.registry.keep-snapshots must be 1 or more, got " + keepSnapshots);
    }
  }

  public static RegistrySettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.registry");
    return new RegistrySettings(c.getInt("snapshot-every"), c.getInt("keep-snapshots"));
  }

  /**
   * Snapshot every {@link #snapshotEvery} events, keep the newest {@link #keepSnapshots}; never
   * delete events.
   */
  public RetentionCriteria retention() {
    return snapshotEvery == 0
        ? RetentionCriteria.disabled()
        : RetentionCriteria.snapshotEvery(snapshotEvery, keepSnapshots);
  }
}
