package io.modelfleet.node.security;

import io.modelfleet.protocol.security.KeySecrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file a generated administrator key is handed over in: {@code <data-dir>/admin.key}, the key
 * and a newline. Created with mode 0600 in the same call that creates it (no moment in which
 * another user could open it), never over an existing file or link, and synced to disk with its
 * directory entry before the key is registered, so that a crash cannot leave a registered key whose
 * only copy was lost.
 */
final class AdminKeyFile {
  static final String NAME = "admin.key";
  static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private static final Logger log = LoggerFactory.getLogger(AdminKeyFile.class);

  private AdminKeyFile() {}

  /** Creates {@code file} holding {@code secret}; fails if anything exists at that path. */
  static void create(Path file, String secret) throws IOException {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    try (FileChannel ch =
        FileChannel.open(
            file,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            attributes)) {
      if (!posix) {
        ownerOnlyElsewhere(file);
      }
      ByteBuffer bytes = ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    syncDirectory(file.getParent());
  }

  /**
   * The key in a file an earlier, unfinished first start wrote. Refuses a link or a file that holds
   * no key, without repeating what it holds.
   */
  static String read(Path file) throws IOException {
    if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalStateException(
          file + " is not a plain file; move it away so that a new administrator key is created");
    }
    String secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!KeySecrets.wellFormed(secret)) {
      throw new IllegalStateException(
          file
              + " exists but holds no ModelFleet key; move it away so that a new administrator"
              + " key is created");
    }
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")
        && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
      log.warn("{} may be read by other users than its owner; chmod 600 it", file);
    }
    return secret;
  }

  /** Deletes a file this start created whose key was not registered. */
  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    syncDirectory(file.getParent());
  }

  /** Without POSIX permissions (Windows): owner-only as far as java.io.File can say it. */
  private static void ownerOnlyElsewhere(Path file) {
    var f = file.toFile();
    boolean ok =
        f.setReadable(false, false)
            && f.setWritable(false, false)
            && f.setReadable(true, true)
            && f.setWritable(true, true);
    log.warn(
        "{} is on a file system without POSIX permissions; {} keep it readable by its owner only",
        file,
        ok ? "make sure its access rights" : "its access rights could not be narrowed:");
  }

  /** Makes the file's directory entry durable; a platform that cannot is logged, not fatal. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      log.debug("Cannot sync directory {} ({}); the file itself is synced", dir, e.toString());
    }
  }
}
