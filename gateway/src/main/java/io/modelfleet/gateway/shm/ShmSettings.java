package io.modelfleet.gateway.shm;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * The bounds of Triton's system shared memory extension on one node, read from {@code
 * modelfleet.gateway.shared-memory} (see the module's reference.conf). Every registered region is a
 * mapping of a client's file into the node's address space: the bounds keep a client that forgets
 * to unregister from growing the node's mappings without end.
 *
 * @param directory where POSIX shared memory objects live ({@code /dev/shm} on Linux): key {@code
 *     /k} is the file {@code directory/k}
 * @param maxRegions most regions registered at once on the node
 * @param maxMappedBytes most bytes mapped by all registered regions together
 */
public record ShmSettings(Path directory, int maxRegions, long maxMappedBytes) {

  public ShmSettings {
    if (directory == null) {
      throw new IllegalArgumentException("modelfleet.gateway.shared-memory.directory is empty");
    }
    if (maxRegions < 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.shared-memory.max-regions must not be negative, got " + maxRegions);
    }
    if (maxMappedBytes < 0) {
      throw new IllegalArgumentException(
          "modelfleet.gateway.shared-memory.max-mapped-bytes must not be negative, got "
              + maxMappedBytes);
    }
  }

  /** Reads {@code modelfleet.gateway.shared-memory} from the whole configuration. */
  public static ShmSettings fromConfig(Config root) {
    Config c = root.getConfig("modelfleet.gateway.shared-memory");
    return new ShmSettings(
        Path.of(c.getString("directory")), c.getInt("max-regions"), c.getBytes("max-mapped-bytes"));
  }
}
