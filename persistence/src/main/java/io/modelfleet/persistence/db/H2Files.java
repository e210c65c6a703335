package io.modelfleet.persistence.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link RegistryGuard} needs to know about an embedded H2 database before H2 opens it (H2
 * would silently create an empty database over a missing or damaged file): where the file is, and
 * whether it starts like one.
 */
final class H2Files {

  private static final byte[] HEADER = "H:2,".getBytes(StandardCharsets.US_ASCII);
  private static final int BLOCK = 4096;

  private H2Files() {}

  static boolean hasHeader(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      // The MVStore file header is written twice, in the first two 4 KiB blocks; one good copy
      // opens.
      byte[] first = in.readNBytes(BLOCK);
      byte[] second = in.readNBytes(HEADER.length);
      return startsWith(first, HEADER) || startsWith(second, HEADER);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The file of an embedded H2 database ({@code jdbc:h2:file:<path>} or {@code jdbc:h2:<path>});
   * empty for anything else.
   */
  static Optional<Path> databaseFile(String url) {
    if (!url.startsWith("jdbc:h2:")) {
      return Optional.empty();
    }
    String rest = url.substring("jdbc:h2:".length());
    int semi = rest.indexOf(';');
    String target = semi < 0 ? rest : rest.substring(0, semi);
    if (target.startsWith("file:")) {
      target = target.substring("file:".length());
    } else if (target.startsWith("mem:")
        || target.startsWith("tcp:")
        || target.startsWith("ssl:")
        || target.startsWith("zip:")
        || target.startsWith("nio")
        || target.startsWith("split:")) {
      return Optional.empty();
    }
    if (target.startsWith("~")) {
      target = System.getProperty("user.home") + target.substring(1);
    }
    return Optional.of(Path.of(target + ".mv.db").toAbsolutePath());
  }
}
