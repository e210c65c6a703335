package io.modelfleet.persistence.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed store of model files on the local disk: {@code <dir>/sha256/<hex>}.
 *
 * <p>Uploads are streamed chunk by chunk to a temporary file on a blocking dispatcher, hashed on
 * the way, and committed atomically (see {@link UploadWriter}); the whole file is never in memory.
 * Files are immutable once committed, so identical uploads share one file; a stored file that no
 * longer verifies is replaced by the next upload of the right bytes. Refused uploads delete what
 * they created unless something else needs it, and {@link #sweep} removes what nothing references
 * (see {@link DigestLeases} for who may delete what, and when). Copies fetched from the registry
 * database ({@link DatabaseArtifacts}) take the same path through {@link #storeVerified}, which
 * also refuses bytes that do not hash to the expected digest.
 */
public final class ArtifactStore {
  public static final String DIGEST_PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);

  private final Path root;
  private final Path blobs;
  private final Path tmp;
  private final long maxUploadBytes;
  private final DigestLeases leases = new DigestLeases();
  private volatile Consumer<ArtifactRepaired> repairListener = r -> {};

  private ArtifactStore(Path root, long maxUploadBytes) {
    this.root = root;
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
      throw new UncheckedIOException(
          "cannot open the artifact store at " + root + ": " + e.getMessage(), e);
    }
    return store;
  }

  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /**
   * Streams {@code body} into the store and keeps the file for good (as {@link Received#keep}). See
   * {@link #receive}, which lets the caller refuse the upload afterwards.
   */
  public CompletionStage<StoredArtifact> store(
      Source<ByteString, ?> body, Materializer mat, String blockingDispatcher, Executor blocking) {
    return receive(body, mat, blockingDispatcher, blocking)
        .thenApply(
            r -> {
              r.keep();
              return r.artifact();
            });
  }

  /**
   * Streams {@code body} into the store. The write stage runs on {@code blockingDispatcher} (a
   * Pekko dispatcher name); the final fsync and rename run on {@code blocking}. Fails with {@link
   * ArtifactTooLargeException} past the size limit, leaving nothing behind.
   *
   * <p>When a file with the same digest is already stored it is verified first (size, then hash): a
   * good one is kept and the new copy dropped; a corrupt one is replaced atomically by the new
   * bytes, which are known to hash to the digest. So uploading the original file again repairs a
   * damaged store. The caller ends the returned {@link Received} with keep or discard.
   */
  public CompletionStage<Received> receive(
      Source<ByteString, ?> body, Materializer mat, String blockingDispatcher, Executor blocking) {
    UploadWriter writer;
    try {
      writer = new UploadWriter(tmp, maxUploadBytes);
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
                return place(writer.finish(null), true);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            blocking)
        .whenComplete(
            (ok, err) -> {
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
   * way; when they do not hash to {@code digest} the temporary file is deleted and {@link
   * ArtifactCorruptException} is thrown, so nothing is ever stored under a wrong name. The upload
   * size limit does not apply: the artifact was already accepted by the node that took the upload,
   * and the digest bounds what is accepted. Returns the existing file without reading {@code in}
   * when the store already holds the digest. Does not close {@code in}.
   */
  public StoredArtifact storeVerified(String digest, InputStream in) {
    Optional<StoredArtifact> existing = find(digest);
    if (existing.isPresent()) {
      return existing.get();
    }
    return copyVerified(digest, in);
  }

  /**
   * Like {@link #storeVerified} but reads {@code in} even when the store holds the digest, and
   * replaces the stored file atomically when it does not verify: repairs a corrupt local copy from
   * the registry database.
   */
  public StoredArtifact replaceVerified(String digest, InputStream in) {
    return copyVerified(digest, in);
  }

  private StoredArtifact copyVerified(String digest, InputStream in) {
    path(digest); // refuses anything that is not a digest before a temporary file exists
    UploadWriter writer = new UploadWriter(tmp, Long.MAX_VALUE);
    boolean committed = false;
    try {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) != -1; ) {
        // write() consumes the bytes before returning, so one buffer can be reused.
        writer.write(ByteString.fromArrayUnsafe(buf, 0, n));
      }
      StoredArtifact stored = place(writer.finish(digest), false).artifact();
      committed = true;
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store artifact " + digest + ": " + redact(String.valueOf(e.getMessage())), e);
    } finally {
      if (!committed) {
        writer.abort();
      }
    }
  }

  /**
   * Renames the written bytes to {@code sha256/<hex>}, under the digest's lock so that a deletion
   * of the same digest cannot interleave (see {@link DigestLeases}):
   *
   * <pre>
   * sha256/hex before      verification of it     result
   * missing                -                      renamed into place             CREATED
   * present                size and hash match    new copy deleted, mtime set    EXISTED
   * present                mismatch or unreadable renamed over it (atomic)       REPAIRED
   * </pre>
   *
   * With {@code lease}, the upload holds a lease on the digest until it is kept or discarded.
   */
  private Received place(UploadWriter.Written w, boolean lease) throws IOException {
    String hex = w.hex();
    Path target = blobs.resolve(hex);
    Received.Placement placement;
    synchronized (leases.lock(hex)) {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(w.tmpFile(), target, StandardCopyOption.ATOMIC_MOVE);
        ArtifactFiles.forceDirectory(blobs);
        placement = Received.Placement.CREATED;
      } else if (ArtifactFiles.matches(target, w.size(), w.digest())) {
        Files.delete(w.tmpFile());
        ArtifactFiles.touch(target);
        placement = Received.Placement.EXISTED;
      } else {
        // rename(2) replaces the target atomically: readers see the old or the new file, never a
        // mix.
        Files.move(w.tmpFile(), target, StandardCopyOption.ATOMIC_MOVE);
        ArtifactFiles.forceDirectory(blobs);
        placement = Received.Placement.REPAIRED;
        log.warn(
            "Artifact {} was corrupt in the local store and was replaced by {} verified bytes",
            w.digest(),
            w.size());
      }
      if (lease) {
        leases.acquire(hex);
      }
    }
    if (placement == Received.Placement.REPAIRED) {
      repairListener.accept(new ArtifactRepaired(w.digest()));
    }
    return new Received(this, new StoredArtifact(w.digest(), w.size(), target), placement);
  }

  /** Called (on the repairing thread) after a corrupt file was replaced by verified bytes. */
  public void onRepaired(Consumer<ArtifactRepaired> listener) {
    this.repairListener = listener;
  }

  void keep(String digest) {
    String hex = hex(digest);
    synchronized (leases.lock(hex)) {
      leases.pin(hex);
      leases.release(hex);
    }
  }

  void discard(String digest, boolean created) {
    String hex = hex(digest);
    synchronized (leases.lock(hex)) {
      leases.release(hex);
      if (created && !leases.leased(hex) && !leases.pinned(hex)) {
        try {
          Files.deleteIfExists(blobs.resolve(hex));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot delete the refused upload " + digest, e);
        }
      }
    }
  }

  /**
   * Deletes every stored file that nothing references: not in {@code referenced} (digests of every
   * registered version, from the registry), not held by an upload in flight, not pinned by a
   * registration through this node, and last modified before {@code olderThan} (the grace period,
   * which also covers uploads of other nodes sharing this directory). Files whose name is not a
   * digest are left alone. Blocking. Returns the digests deleted.
   */
  public List<String> sweep(Set<String> referenced, Instant olderThan) {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
      for (Path file : files) {
        String hex = file.getFileName().toString();
        String digest = DIGEST_PREFIX + hex;
        if (!isDigest(digest) || referenced.contains(digest)) {
          continue;
        }
        synchronized (leases.lock(hex)) {
          if (leases.leased(hex) || leases.pinned(hex)) {
            continue;
          }
          try {
            if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                .toInstant()
                .isBefore(olderThan)) {
              Files.deleteIfExists(file);
              removed.add(digest);
            }
          } catch (NoSuchFileException gone) {
            // deleted meanwhile (a refused upload cleaned up after itself)
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot sweep the artifact store: " + redact(String.valueOf(e.getMessage())), e);
    }
    return removed;
  }

  /**
   * The committed artifact under {@code digest}, if the store holds it (not re-hashed: see {@link
   * #verified}).
   */
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

  /**
   * Re-hashes the stored file (blocking); throws {@link ArtifactCorruptException} when it is
   * missing or does not match its digest. The messages name the digest, never the file's path: they
   * reach clients as a replica's FAILED reason.
   */
  public Path verified(String digest) {
    Path p = path(digest);
    if (!Files.isRegularFile(p)) {
      throw new ArtifactCorruptException(
          "artifact "
              + digest
              + " is missing from this node's store; "
              + "upload the original file again to restore it");
    }
    try {
      String actual = ArtifactFiles.hash(p);
      if (!actual.equals(digest)) {
        throw new ArtifactCorruptException(
            "artifact "
                + digest
                + " is corrupt: the stored file ("
                + Files.size(p)
                + " bytes) hashes to "
                + actual
                + ", expected "
                + digest
                + "; upload the original file again to repair it");
      }
      return p;
    } catch (IOException e) {
      throw new ArtifactCorruptException(
          "artifact "
              + digest
              + " cannot be read from this node's store ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  /**
   * {@code message} with this store's file paths replaced by what a client may see: a stored file
   * becomes its digest, other paths under the store lose the store's location, and any other
   * absolute path is cut to its file name (see {@link Redaction}).
   */
  public String redact(String message) {
    return Redaction.redact(message, blobs, root);
  }

  private static String hex(String digest) {
    if (!isDigest(digest)) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return digest.substring(DIGEST_PREFIX.length());
  }
}
