package io.modelfleet.persistence.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start a node on a registry that existed and is now gone, empty or unreadable, instead
 * of starting as if new (which shows every model as deleted, and lets new writes bury the old
 * history for good).
 *
 * <p>How a registry proves it existed: when a registry is first created, a random id is written
 * into a one-row table {@code modelfleet_registry} in the registry database, and then into the file
 * {@value #MARKER} in each node's data directory. Every start compares the two.
 *
 * <pre>
 * check (H2 embedded, before H2 opens the file; H2 would re-create an empty or missing file)
 * registry.mv.db 0 bytes                                     refuse: empty
 * registry.mv.db unreadable, or no H2 header                 refuse: unreadable / not H2
 * registry.mv.db missing, marker present                     refuse: missing
 * registry.mv.db missing, no marker, artifacts stored        refuse: missing (data dir of an older release)
 * marker present, file opened read-only has no or another id refuse: damaged (H2 opens damaged chunks as
 *                                                            an empty database) or replaced
 *
 * check (H2 and PostgreSQL, after the schema is ensured)
 * journal table cannot be read                               refuse: unreadable
 * database id row     marker           journal / artifacts
 * absent              absent           empty and none        new registry: write row, then marker
 * absent              absent           events present        registry of an older release: adopt it
 * absent              absent           empty, artifacts      refuse: registry lost
 * absent              present          any                   refuse: database replaced or wiped
 * present             absent           any                   node new to this registry: write marker
 * present = marker    present          any                   start
 * present != marker   present          any                   refuse: another registry's database
 * </pre>
 *
 * In a cluster (PostgreSQL) the row is shared and each data directory has its own marker, so a node
 * that is pointed at a different or recreated database refuses, and a new node adopts the existing
 * id. With {@code create-schema = off} and no {@code modelfleet_registry} table, only the journal
 * check runs (with a warning). Recovery is always the operator's: restore the database from a
 * backup, or move the marker away to start a new, empty registry on purpose.
 */
public final class RegistryGuard {
  public static final String MARKER = "registry-id";
  private static final Logger log = LoggerFactory.getLogger(RegistryGuard.class);

  private final DatabaseSettings db;
  private final Path dataDir;
  private final Path artifactsDir;
  private final String journalTable;
  private final RegistryMarker markerStore;
  private final RecoveryAdvice advice;

  /**
   * {@code journalTable}: the journal's table as SQL names it (schema-qualified when configured
   * so).
   */
  public RegistryGuard(DatabaseSettings db, Path dataDir, Path artifactsDir, String journalTable) {
    this.db = db;
    this.dataDir = dataDir;
    this.artifactsDir = artifactsDir;
    this.journalTable = journalTable;
    this.markerStore = new RegistryMarker(dataDir);
    this.advice = new RecoveryAdvice(dataDir, artifactsDir, markerStore.file());
  }

  /** The node refuses to start; the message says what is wrong and how to recover. */
  public static final class RegistryRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Exit status of a node that refuses its registry (EX_CONFIG of sysexits.h). */
    public static final int EXIT_CODE = 78;

    RegistryRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Checks the embedded H2 file before anything opens it; nothing to check for other databases. */
  public void checkBeforeOpen() {
    Optional<Path> file = H2Files.databaseFile(db.url());
    if (file.isEmpty()) {
      return;
    }
    Path f = file.get();
    Optional<String> marker = readMarker();
    String name = f.getFileName().toString();
    if (Files.exists(f)) {
      if (!Files.isReadable(f) || !Files.isRegularFile(f)) {
        throw refuse(
            "the registry database " + f + " cannot be read (permissions, or not a regular file)",
            advice.restoreOrMove(name),
            null);
      }
      long size;
      try {
        size = Files.size(f);
      } catch (IOException e) {
        throw refuse(
            "the registry database " + f + " cannot be read: " + e, advice.restoreOrMove(name), e);
      }
      if (size == 0 && marker.isEmpty() && !hasArtifacts()) {
        // Nothing says a registry ever lived here: a node killed during its very first start,
        // after H2 created the file and before it wrote a byte. Starting afresh loses nothing.
        log.warn(
            "The registry database {} is empty, and this data directory holds no registry id and no model "
                + "files: treating it as a first start that was interrupted, and creating a new registry",
            f);
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw refuse(
              "the empty registry database " + f + " cannot be removed: " + e,
              advice.restoreOrMove(name),
              e);
        }
        return;
      }
      if (size == 0) {
        throw refuse(
            "the registry database "
                + f
                + " is empty (0 bytes): its models, versions, deployments and "
                + "history are gone, and starting would show an empty registry",
            advice.restoreOrMove(name),
            null);
      }
      if (!H2Files.hasHeader(f)) {
        throw refuse(
            "the registry database "
                + f
                + " ("
                + size
                + " bytes) is not an H2 database file: its header is "
                + "damaged or it was overwritten",
            advice.restoreOrMove(name),
            null);
      }
      if (marker.isPresent()) {
        checkIdReadOnly(f, marker.get());
      }
    } else if (marker.isPresent()) {
      throw refuse(
          "the registry database "
              + f
              + " is missing, but this data directory held registry "
              + marker.get()
              + " ("
              + markerStore.file()
              + ")",
          advice.restoreOrMove(name),
          null);
    } else if (hasArtifacts()) {
      throw refuse(
          "the registry database "
              + f
              + " is missing, but "
              + artifactsDir.resolve("sha256")
              + " holds model files, so a registry existed here",
          advice.restoreOrMoveArtifacts(name),
          null);
    }
  }

  /**
   * Opens the H2 file read-only and compares its id row with the marker, before anything may write
   * to it: H2 opens a file whose chunks are damaged as an empty database, and the schema creation
   * that follows would write a new, empty registry into the damaged file.
   */
  private void checkIdReadOnly(Path f, String marker) {
    Optional<String> id;
    try (Connection c =
        DriverManager.getConnection(db.url() + ";ACCESS_MODE_DATA=r", db.user(), db.password())) {
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT registry_id FROM modelfleet_registry WHERE id = 1")) {
        id = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      } catch (SQLException noTable) {
        id = Optional.empty();
      }
    } catch (SQLException e) {
      throw refuse(
          "the registry database " + f + " cannot be opened: " + e.getMessage(),
          advice.restoreOrMove(f.getFileName().toString()),
          e);
    }
    if (id.isEmpty()) {
      throw refuse(
          "the registry database "
              + f
              + " opens but holds no ModelFleet registry, while this data directory "
              + "held registry "
              + marker
              + " ("
              + markerStore.file()
              + "): the file is damaged or was replaced",
          advice.restoreOrMoveMarkerOldBackup(advice.restoreOrMove(f.getFileName().toString())),
          null);
    }
    if (!id.get().equals(marker)) {
      throw refuse(
          "this data directory belongs to registry "
              + marker
              + " ("
              + markerStore.file()
              + "), but the database "
              + f
              + " holds registry "
              + id.get(),
          advice.restoreOrMoveMarker(),
          null);
    }
  }

  /**
   * An error that opening the database or creating its schema raised, explained with the way out.
   */
  public RegistryRefusedException unreadable(RuntimeException cause) {
    String name = H2Files.databaseFile(db.url()).map(p -> p.getFileName().toString()).orElse(null);
    String fix =
        name != null
            ? advice.restoreOrMove(name)
            : "check that "
                + safeUrl()
                + " is reachable and its tables readable by user '"
                + db.user()
                + "', or restore it from a backup";
    return refuse("the registry database cannot be opened: " + cause.getMessage(), fix, cause);
  }

  /**
   * After the schema is ensured: the journal is readable and the database is this data directory's
   * registry.
   */
  public void checkAndRecord() {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      boolean hasEvents = probeJournal(c);
      Optional<String> dbId = databaseId(c);
      if (dbId == null) {
        log.warn(
            "The table modelfleet_registry is missing and modelfleet.database.create-schema is off: "
                + "only the journal is checked at start, not that this is the registry this node had before");
        return;
      }
      Optional<String> marker = readMarker();
      if (dbId.isEmpty()) {
        if (marker.isPresent()) {
          throw refuse(
              "this data directory belongs to registry "
                  + marker.get()
                  + " ("
                  + markerStore.file()
                  + "), but the database "
                  + safeUrl()
                  + " holds no ModelFleet registry: it is damaged, was replaced or wiped, "
                  + "or the URL points at another database",
              advice.restoreOrMoveMarkerOldBackup(advice.restoreOrMoveMarker()),
              null);
        }
        if (!hasEvents && hasArtifacts()) {
          throw refuse(
              "the registry database "
                  + safeUrl()
                  + " is new and empty, but "
                  + artifactsDir.resolve("sha256")
                  + " holds model files, so a registry existed here",
              advice.restoreOrMoveArtifacts(
                  H2Files.databaseFile(db.url())
                      .map(p -> p.getFileName().toString())
                      .orElse("the database")),
              null);
        }
        String id = RegistryIdTable.insertId(c);
        markerStore.write(id);
        log.info(
            "Registry {} {} in {}",
            id,
            hasEvents ? "adopted (created by an older release)" : "created",
            safeUrl());
        return;
      }
      if (marker.isEmpty()) {
        markerStore.write(dbId.get());
        return;
      }
      if (!marker.get().equals(dbId.get())) {
        throw refuse(
            "this data directory belongs to registry "
                + marker.get()
                + " ("
                + markerStore.file()
                + "), but the database "
                + safeUrl()
                + " holds registry "
                + dbId.get(),
            advice.restoreOrMoveMarker(),
            null);
      }
    } catch (SQLException e) {
      throw unreadable(new IllegalStateException(e.getMessage(), e));
    }
  }

  /** Whether the journal has any event; refuses when the table cannot be read. */
  private boolean probeJournal(Connection c) {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM " + journalTable + " LIMIT 1")) {
      return rs.next();
    } catch (SQLException e) {
      throw refuse(
          "the registry's journal table "
              + journalTable
              + " cannot be read in "
              + safeUrl()
              + ": "
              + e.getMessage(),
          "restore the database from a backup; if the tables were never created, set modelfleet.database.create-schema = on",
          e);
    }
  }

  /**
   * The id row's value; empty when the table has no row; null when there is no table and it may not
   * be created.
   */
  private Optional<String> databaseId(Connection c) throws SQLException {
    if (db.createSchema()) {
      RegistryIdTable.create(c);
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT registry_id FROM modelfleet_registry WHERE id = 1")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    } catch (SQLException e) {
      if (!db.createSchema()) {
        return null;
      }
      throw e;
    }
  }

  /** The JDBC URL without its query string, which may carry a password. */
  private String safeUrl() {
    String url = db.url();
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private Optional<String> readMarker() {
    try {
      return markerStore.read();
    } catch (RegistryMarker.UnreadableException e) {
      throw refuse(e.getMessage(), advice.restoreOrMoveMarker(), e.getCause());
    }
  }

  private boolean hasArtifacts() {
    Path blobs = artifactsDir.resolve("sha256");
    if (!Files.isDirectory(blobs)) {
      return false;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
      return files.iterator().hasNext();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + blobs + ": " + e.getMessage(), e);
    }
  }

  private RegistryRefusedException refuse(String what, String fix, Throwable cause) {
    String message = "ModelFleet refuses to start: " + what + ". To recover: " + fix + ".";
    log.error(message);
    return new RegistryRefusedException(message, cause);
  }
}
