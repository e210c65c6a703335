package io.modelfleet.persistence.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Content-addressed store of model files on the local disk: {@code <dir>/sha256/<hex>}.
 *
 * <p>Uploads are streamed chunk by chunk to a temporary file on a blocking dispatcher, hashed on
 * the way, and committed atomically (see {@link UploadWriter}); the whole file is never in memory.
 * Files are immutable once committed, so identical uploads share one file. Copies fetched from
 * the registry database ({@link DatabaseArtifacts}) take the same path through
 * {@link #storeVerified}, which also refuses bytes that do not hash to the expected digest.
 */
public final class ArtifactStore {
  public static final String DIGEST_PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Path blobs;
  private final Path tmp;
  private final long maxUploadBytes;

  private ArtifactStore(Path root, long maxUploadBytes) {
    this.blobs = root.resolve("sha256");
    this.tmp = root.resolve("tmp");
    this.maxUploadBytes = maxUploadBytes;
  }

  /** Opens (creating) the store and deletes uploads left half-written by a crash. */
  public static ArtifactStore open(Path root, long maxUploadBytes) {
    ArtifactStore store = new ArtifactStore(root, maxUploadBytes);
    try {
      Files.createDirectories(store.blobs);
      Files.createDirectories(store.tmp);
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.tmp)) {
        for (Path p : leftovers) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the artifact store at " + root, e);
    }
    return store;
  }

  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /**
   * Streams {@code body} into the store. The write stage runs on {@code blockingDispatcher} (a
   * Pekko dispatcher name); the final fsync and rename run on {@code blocking}. Fails with
   * {@link ArtifactTooLargeException} past the size limit, leaving nothing behind.
   */
  public CompletionStage<StoredArtifact> store(
      Source<ByteString, ?> body, Materializer mat, String blockingDispatcher, Executor blocking) {
    UploadWriter writer;
    try {
      writer = new UploadWriter(tmp, blobs, maxUploadBytes);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return body.runWith(
            Sink.<ByteString>foreach(writer::write)
                .withAttributes(ActorAttributes.dispatcher(blockingDispatcher)),
            mat)
        .thenApplyAsync(
            done -> {
              try {
                return writer.commit();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            blocking)
        .whenComplete((ok, err) -> {
          if (err != null) {
            writer.abort();
          }
        });
  }

  /**
   * Copies {@code in} into the store under {@code digest}, for bytes that come from elsewhere (the
   * registry database) rather than from a client upload. Blocking: run it on a blocking executor.
   *
   * <p>The bytes take the upload path (temporary file, fsync, atomic rename) and are hashed on the
   * way; when they do not hash to {@code digest} the temporary file is deleted and
   * {@link ArtifactCorruptException} is thrown, so nothing is ever stored under a wrong name. The
   * upload size limit does not apply: the artifact was already accepted by the node that took the
   * upload, and the digest bounds what is accepted. Returns the existing file without reading
   * {@code in} when the store already holds the digest. Does not close {@code in}.
   */
  public StoredArtifact storeVerified(String digest, InputStream in) {
    Optional<StoredArtifact> existing = find(digest);
    if (existing.isPresent()) {
      return existing.get();
    }
    UploadWriter writer = new UploadWriter(tmp, blobs, Long.MAX_VALUE);
    boolean committed = false;
    try {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) != -1; ) {
        // write() consumes the bytes before returning, so one buffer can be reused.
        writer.write(ByteString.fromArrayUnsafe(buf, 0, n));
      }
      StoredArtifact stored = writer.commit(digest);
      committed = true;
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store artifact " + digest + ": " + e.getMessage(), e);
    } finally {
      if (!committed) {
        writer.abort();
      }
    }
  }

  /** The committed artifact under {@code digest}, if the store holds it (not re-hashed: see {@link #verified}). */
  public Optional<StoredArtifact> find(String digest) {
    Path file = path(digest);
    try {
      return Optional.of(new StoredArtifact(digest, Files.size(file), file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean isDigest(String digest) {
    return digest != null && DIGEST.matcher(digest).matches();
  }

  public Path path(String digest) {
    if (!isDigest(digest)) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return blobs.resolve(digest.substring(DIGEST_PREFIX.length()));
  }

  public boolean contains(String digest) {
    return isDigest(digest) && Files.isRegularFile(path(digest));
  }

  /** Re-hashes the stored file (blocking); throws when it is missing or does not match its digest. */
  public Path verified(String digest) {
    Path p = path(digest);
    if (!Files.isRegularFile(p)) {
      throw new ArtifactCorruptException("artifact " + digest + " is not in the store at " + p);
    }
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      String actual = DIGEST_PREFIX + HexFormat.of().formatHex(sha.digest());
      if (!actual.equals(digest)) {
        throw new ArtifactCorruptException("artifact " + p + " hashes to " + actual + ", expected " + digest);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes an artifact that nothing references (an upload whose registration was refused). */
  public void delete(String digest) {
    try {
      Files.deleteIfExists(path(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
