package io.modelfleet.persistence.artifact;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How {@link DatabaseArtifacts} moves artifacts in and out of the registry database, from {@code
 * modelfleet.artifacts}; see reference.conf for the meaning and the defaults.
 *
 * @param chunkSize bytes per stored chunk ({@code database-chunk-size})
 * @param publishAttempts tries of a publish that loses a lock wait or a deadlock ({@code
 *     database-publish-attempts})
 * @param h2LockTimeout how long an H2 publish waits for a rival's transaction ({@code
 *     h2-publish-lock-timeout})
 */
public record SharedStoreSettings(int chunkSize, int publishAttempts, Duration h2LockTimeout) {
  /**
   * Each chunk is held in memory on the node and in the database server; PostgreSQL caps a value at
   * 1 GB.
   */
  public static final int MAX_CHUNK_BYTES = 256 << 20;

  private static final String PREFIX = "modelfleet.artifacts.";

  public SharedStoreSettings {
    checkChunkSize(chunkSize);
    if (publishAttempts < 1) {
      throw new IllegalArgumentException(
          PREFIX + "database-publish-attempts must be 1 or more, got " + publishAttempts);
    }
    if (h2LockTimeout.isNegative() || h2LockTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          PREFIX + "h2-publish-lock-timeout must be between 0 and 24 days, got " + h2LockTimeout);
    }
  }

  public static SharedStoreSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.artifacts");
    long chunk = c.getBytes("database-chunk-size");
    checkChunkSize(chunk);
    return new SharedStoreSettings(
        (int) chunk,
        c.getInt("database-publish-attempts"),
        c.getDuration("h2-publish-lock-timeout"));
  }

  public SharedStoreSettings withChunkSize(int bytes) {
    return new SharedStoreSettings(bytes, publishAttempts, h2LockTimeout);
  }

  private static void checkChunkSize(long bytes) {
    if (bytes < 1 || bytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          PREFIX
              + "database-chunk-size must be between 1 byte and 256 MiB, got "
              + bytes
              + " bytes");
    }
  }
}
