package io.modelfleet.persistence.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.pekko.util.ByteString;

/**
 * Writes one upload into a temporary file while hashing it, then commits it under its digest.
 *
 * <p>Crash safety: the bytes go to {@code tmp/} first; {@link #finish} forces them to disk, and the
 * store then renames the file atomically into {@code sha256/} (same filesystem) and forces the
 * directory, so a reader sees either no file or the whole file, never a part. Not thread-safe: one
 * stream stage owns it.
 */
final class UploadWriter {
  private final Path tmpFile;
  private final long limit;
  private final FileChannel channel;
  private final MessageDigest sha;
  private long size;

  UploadWriter(Path tmpDir, long limit) {
    this.limit = limit;
    try {
      this.tmpFile = Files.createTempFile(tmpDir, "upload-", ".part");
      this.channel = FileChannel.open(tmpFile, StandardOpenOption.WRITE);
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void write(ByteString chunk) throws IOException {
    size += chunk.length();
    if (size > limit) {
      throw new ArtifactTooLargeException(limit);
    }
    for (ByteBuffer buf : chunk.getByteBuffers()) {
      sha.update(buf.duplicate());
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }
  }

  /**
   * The bytes written, forced to disk and hashed: ready for {@link ArtifactStore} to place under
   * their digest.
   */
  record Written(Path tmpFile, String hex, long size) {
    String digest() {
      return ArtifactStore.DIGEST_PREFIX + hex;
    }
  }

  /**
   * Forces the bytes to disk and closes the file, but only if they hash to {@code expected}
   * ("sha256:hex"; null accepts any digest). A mismatch deletes the temporary file and throws
   * {@link ArtifactCorruptException} before anything is renamed, so a bad copy never appears under
   * a digest it does not have. The caller renames the file into place (see ArtifactStore#place).
   */
  Written finish(String expected) throws IOException {
    String hex = HexFormat.of().formatHex(sha.digest());
    if (expected != null && !expected.equals(ArtifactStore.DIGEST_PREFIX + hex)) {
      abort();
      throw new ArtifactCorruptException(
          "the "
              + size
              + " bytes received for "
              + expected
              + " hash to "
              + ArtifactStore.DIGEST_PREFIX
              + hex
              + "; nothing was stored");
    }
    channel.force(true);
    channel.close();
    return new Written(tmpFile, hex, size);
  }

  void abort() {
    try {
      channel.close();
      Files.deleteIfExists(tmpFile);
    } catch (IOException ignored) {
      // The next start sweeps tmp/ anyway; the caller is already failing with the real cause.
    }
  }
}
