package io.modelfleet.persistence.artifact;

import com.typesafe.config.Config;
import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The cluster's shared copy of every model artifact, kept in the registry database so that a node
 * can load a version it has never seen without a shared filesystem and without asking a peer that
 * may be dead. Each node's {@link ArtifactStore} is a cache in front of it, and bytes are checked
 * against their digest before the cache accepts them.
 *
 * <p><b>Blocking.</b> Every method does JDBC and file I/O on the calling thread and may take
 * seconds to minutes for a large model. Callers run it on a blocking dispatcher, never on an
 * actor's thread or the default dispatcher.
 *
 * <p><b>Layout.</b> An artifact is split into chunks of {@code
 * modelfleet.artifacts.database-chunk-size} ({@code modelfleet_artifact_chunk}, key digest + seq),
 * so neither side ever holds more than one chunk of a multi-GiB file. Its row in {@code
 * modelfleet_artifact} (size, chunk count) is written last, in the same transaction: a reader that
 * finds the row finds every chunk. Each artifact records its own chunk count, so the chunk size may
 * change between publishes.
 *
 * <p><b>Publishing</b> the same digest from several nodes at once is safe:
 *
 * <pre>
 * situation when publish runs              outcome
 * artifact row already committed           nothing written
 * no other publisher                       chunks, then row, one transaction
 * another publisher commits first          our first chunk insert waits for its transaction,
 *                                          then hits the primary key; we roll back, find its
 *                                          row, and succeed
 * another publisher rolls back             our waiting insert proceeds; we commit
 * lock wait timed out, deadlock            rolled back and retried, up to database-publish-attempts
 *                                          times in all (H2 waits h2-publish-lock-timeout)
 * local file does not hash to its digest   rolled back; ArtifactCorruptException (a bad copy
 *                                          in the database would be served to every node)
 * </pre>
 *
 * <p><b>Errors.</b> {@link ArtifactNotFoundException}: the database has no committed copy. {@link
 * ArtifactCorruptException}: bytes do not match their digest (nothing is stored). {@link
 * ArtifactDatabaseException}: a statement failed; the same call may succeed later. {@link
 * UncheckedIOException}: the local disk failed.
 *
 * <p><b>Connections.</b> One {@link DriverManager} connection per call: calls are rare (a publish
 * after an upload, a fetch before a node first loads a version) and each moves MiBs to GiBs, so
 * connecting costs nothing that matters, and there is no pool to size or leak.
 */
public final class DatabaseArtifacts {
  private final DatabaseSettings db;
  private final SharedStoreSettings settings;

  private DatabaseArtifacts(DatabaseSettings db, SharedStoreSettings settings) {
    this.db = db;
    this.settings = settings;
  }

  /** Opens with the settings under {@code modelfleet.artifacts}. */
  public static DatabaseArtifacts fromConfig(Config root, DatabaseSettings db) {
    return open(db, SharedStoreSettings.fromConfig(root));
  }

  /**
   * Opens the shared artifact tables, creating them (idempotently, on H2 and PostgreSQL) when
   * {@code modelfleet.database.create-schema} is on.
   */
  public static DatabaseArtifacts open(DatabaseSettings db, SharedStoreSettings settings) {
    DatabaseArtifacts artifacts = new DatabaseArtifacts(db, settings);
    if (db.createSchema()) {
      artifacts.createSchema();
    }
    return artifacts;
  }

  public int chunkSize() {
    return settings.chunkSize();
  }

  /**
   * Whether the database holds a committed copy of {@code digest}; false for anything that is not a
   * digest.
   */
  public boolean contains(String digest) {
    if (!ArtifactStore.isDigest(digest)) {
      return false;
    }
    try (Connection c = connect()) {
      return artifactRow(c, digest).isPresent();
    } catch (SQLException e) {
      throw new ArtifactDatabaseException("cannot look up artifact " + digest, e);
    }
  }

  /**
   * Copies a locally stored artifact into the database, chunk by chunk in one transaction, hashing
   * the file on the way and refusing to commit bytes that do not match its digest. A no-op when the
   * database already holds it, including when another node commits it first (see the table in the
   * class comment).
   */
  public void publish(StoredArtifact artifact) {
    requireDigest(artifact.digest());
    for (int attempt = 1; ; attempt++) {
      try (Connection c = connect()) {
        if (db.dialect() == DatabaseSettings.Dialect.H2) {
          try (Statement st = c.createStatement()) {
            st.execute("SET LOCK_TIMEOUT " + settings.h2LockTimeout().toMillis());
          }
        }
        if (tryPublish(c, artifact, attempt)) {
          return;
        }
      } catch (SQLException e) {
        throw new ArtifactDatabaseException("cannot publish artifact " + artifact.digest(), e);
      }
    }
  }

  /**
   * True when published (by us or a rival); false to try again; throws when retrying cannot help.
   */
  private boolean tryPublish(Connection c, StoredArtifact artifact, int attempt)
      throws SQLException {
    String digest = artifact.digest();
    if (artifactRow(c, digest).isPresent()) {
      return true;
    }
    c.setAutoCommit(false);
    try {
      ChunksWritten written = insertChunks(c, artifact);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO modelfleet_artifact (digest, size, chunks, created_at) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, digest);
        insert.setLong(2, written.size());
        insert.setInt(3, written.chunks());
        insert.setLong(4, System.currentTimeMillis());
        insert.executeUpdate();
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      rollback(c, e);
      c.setAutoCommit(true);
      if (artifactRow(c, digest).isPresent()) {
        return true; // another node committed the same bytes first: its copy is ours
      }
      if (isContention(e) && attempt < settings.publishAttempts()) {
        return false;
      }
      throw new ArtifactDatabaseException(
          "cannot publish artifact " + digest + " (attempt " + attempt + ")", e);
    } catch (RuntimeException e) {
      rollback(c, e);
      throw e;
    }
  }

  private record ChunksWritten(long size, int chunks) {}

  private ChunksWritten insertChunks(Connection c, StoredArtifact artifact) throws SQLException {
    MessageDigest sha = sha256();
    int chunkSize = settings.chunkSize();
    byte[] buf = new byte[chunkSize];
    long size = 0;
    int seq = 0;
    try (InputStream in = Files.newInputStream(artifact.path());
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO modelfleet_artifact_chunk (digest, seq, data) VALUES (?, ?, ?)")) {
      for (int n; (n = in.readNBytes(buf, 0, chunkSize)) > 0; seq++) {
        sha.update(buf, 0, n);
        insert.setString(1, artifact.digest());
        insert.setInt(2, seq);
        insert.setBytes(3, n == chunkSize ? buf : Arrays.copyOf(buf, n));
        // One statement per chunk, never a batch: a batch would keep every chunk in memory.
        insert.executeUpdate();
        size += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the local copy of "
              + artifact.digest()
              + " to publish it ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    String actual = ArtifactStore.DIGEST_PREFIX + HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(artifact.digest())) {
      throw new ArtifactCorruptException(
          "the local copy of "
              + artifact.digest()
              + " hashes to "
              + actual
              + ", not "
              + artifact.digest()
              + "; it was not published");
    }
    return new ChunksWritten(size, seq);
  }

  /**
   * Makes {@code digest} present in {@code local}: returns the local copy when there is one,
   * otherwise streams the chunks from the database through {@link ArtifactStore#storeVerified},
   * which stores the file only if it hashes to {@code digest}.
   *
   * @throws ArtifactNotFoundException when the database has no committed copy
   * @throws ArtifactCorruptException when the database's copy is damaged; nothing is stored locally
   */
  public StoredArtifact fetchInto(String digest, ArtifactStore local) {
    requireDigest(digest);
    Optional<StoredArtifact> cached = local.find(digest);
    if (cached.isPresent()) {
      return cached.get();
    }
    return copyInto(digest, local, false);
  }

  /**
   * Replaces a local copy that does not verify with the database's copy (the stored file is
   * replaced atomically, and only by bytes that hash to {@code digest}). Same exceptions as {@link
   * #fetchInto}.
   */
  public StoredArtifact repairInto(String digest, ArtifactStore local) {
    requireDigest(digest);
    return copyInto(digest, local, true);
  }

  private StoredArtifact copyInto(String digest, ArtifactStore local, boolean replace) {
    try (Connection c = connect()) {
      ArtifactRow row =
          artifactRow(c, digest)
              .orElseThrow(
                  () ->
                      new ArtifactNotFoundException(
                          "artifact "
                              + digest
                              + " is not in the registry database: it was never published, "
                              + "or the node that holds it has not finished publishing it"));
      try (DatabaseChunkStream in = new DatabaseChunkStream(c, digest, row.size(), row.chunks())) {
        return replace ? local.replaceVerified(digest, in) : local.storeVerified(digest, in);
      } catch (ArtifactCorruptException e) {
        throw new ArtifactCorruptException(
            "the registry database's copy of artifact "
                + digest
                + " is damaged ("
                + e.getMessage()
                + "); nothing was stored locally. Delete its rows from "
                + "modelfleet_artifact and modelfleet_artifact_chunk and publish it again from a node whose copy verifies",
            e);
      }
    } catch (SQLException e) {
      throw new ArtifactDatabaseException("cannot fetch artifact " + digest, e);
    }
  }

  private record ArtifactRow(long size, int chunks) {}

  private static Optional<ArtifactRow> artifactRow(Connection c, String digest)
      throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT size, chunks FROM modelfleet_artifact WHERE digest = ?")) {
      select.setString(1, digest);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next()
            ? Optional.of(new ArtifactRow(rs.getLong(1), rs.getInt(2)))
            : Optional.empty();
      }
    }
  }

  /**
   * Unique-key violations (a rival committed first), serialization failures, deadlocks and lock
   * timeouts (H2's HYT00): the transaction lost a race and may succeed when run again.
   */
  private static boolean isContention(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state)
        || "40001".equals(state)
        || "40P01".equals(state)
        || "HYT00".equals(state);
  }

  private static void rollback(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Runs {@code modelfleet/schema/<dialect>/artifacts-create-schema.sql} (see {@link
   * DatabaseSchema#ensureTables}).
   */
  private void createSchema() {
    try {
      DatabaseSchema.ensureTables(db, "artifacts");
    } catch (SQLException e) {
      throw new ArtifactDatabaseException("cannot create the artifact tables at " + db.url(), e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static void requireDigest(String digest) {
    if (!ArtifactStore.isDigest(digest)) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
