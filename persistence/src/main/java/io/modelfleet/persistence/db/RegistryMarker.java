package io.modelfleet.persistence.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The file in a node's data directory that names the registry the directory belongs to (see {@link
 * RegistryGuard}). Written atomically and durably, because a marker that a crash left half-written
 * would make the next start refuse a healthy registry.
 */
final class RegistryMarker {

  /** The marker exists but holds no id or cannot be read. */
  static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Path dataDir;

  RegistryMarker(Path dataDir) {
    this.dataDir = dataDir;
  }

  Path file() {
    return dataDir.resolve(RegistryGuard.MARKER);
  }

  /** The id the marker holds; empty when there is no marker. */
  Optional<String> read() throws UnreadableException {
    Path m = file();
    if (!Files.exists(m)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
        if (line.startsWith("id=")) {
          return Optional.of(line.substring(3).strip());
        }
      }
      throw new UnreadableException("the registry marker " + m + " holds no id", null);
    } catch (IOException e) {
      throw new UnreadableException("the registry marker " + m + " cannot be read: " + e, e);
    }
  }

  /** Written atomically (temporary file, fsync, rename, fsync of the directory). */
  void write(String id) {
    Path m = file();
    Path tmp = dataDir.resolve(RegistryGuard.MARKER + ".tmp");
    String text =
        "# The ModelFleet registry this data directory belongs to. A node refuses to start when its\n"
            + "# registry database is missing, empty or holds another id. Delete this file only to start\n"
            + "# a new, empty registry on purpose.\n"
            + "id="
            + id
            + "\n";
    try {
      Files.createDirectories(dataDir);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, m, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the registry marker " + m + ": " + e.getMessage(), e);
    }
  }
}
