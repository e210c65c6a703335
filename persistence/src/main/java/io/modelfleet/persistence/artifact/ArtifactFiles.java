package io.modelfleet.persistence.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file operations the artifact store builds on: hashing a file, checking one against its
 * digest, restarting its collection grace, and making a directory's entries durable. Kept apart so
 * that {@link ArtifactStore} reads as the store's rules (receive, lease, keep or discard, sweep).
 */
final class ArtifactFiles {

  private static final Logger log = LoggerFactory.getLogger(ArtifactFiles.class);

  private ArtifactFiles() {}

  /**
   * Whether {@code file} has {@code size} bytes that hash to {@code digest}; an unreadable file
   * does not.
   */
  static boolean matches(Path file, long size, String digest) {
    try {
      return Files.size(file) == size && digest.equals(hash(file));
    } catch (IOException e) {
      log.warn("Stored artifact {} cannot be read ({}); it will be replaced", digest, e.toString());
      return false;
    }
  }

  /**
   * Restarts the file's grace period for the orphan collector: an upload that found its bytes
   * already stored may be registered by another node sharing this directory, which the collector
   * here cannot see. Best effort: the lease and the pin protect the file on this node anyway.
   */
  static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      log.warn("cannot update the modification time of {}: {}", file.getFileName(), e.toString());
    }
  }

  static String hash(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return ArtifactStore.DIGEST_PREFIX + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
