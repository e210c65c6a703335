package io.modelfleet.persistence.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.RegistryGuard.RegistryRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up checks on the embedded H2 registry, as FleetNode runs them. */
class RegistryGuardTest {
  @TempDir Path dir;

  private DatabaseSettings db() {
    return DatabaseSettings.fromConfig(ConfigFactory.load(), dir);
  }

  private RegistryGuard guard() {
    return new RegistryGuard(db(), dir, dir.resolve("artifacts"), "event_journal");
  }

  /** What FleetNode does at start. */
  private void start() {
    RegistryGuard guard = guard();
    guard.checkBeforeOpen();
    try {
      DatabaseSchema.ensure(db());
    } catch (RuntimeException e) {
      throw guard.unreadable(e);
    }
    guard.checkAndRecord();
  }

  private String marker() throws Exception {
    return Files.readString(dir.resolve(RegistryGuard.MARKER));
  }

  @Test
  void aNewRegistryGetsAnIdAndStartsAgain() throws Exception {
    start();
    String first = marker();
    assertTrue(first.contains("id="), first);
    start();
    assertEquals(first, marker());
  }

  @Test
  void anEmptyRegistryFileIsRefusedWithTheWayOut() throws Exception {
    start();
    Files.write(dir.resolve("registry.mv.db"), new byte[0]);
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(e.getMessage().contains("is empty (0 bytes)"), e.getMessage());
    assertTrue(e.getMessage().contains("restore registry.mv.db from a backup"), e.getMessage());
    assertTrue(
        e.getMessage().contains("move registry.mv.db, registry-id and artifacts/"), e.getMessage());
    assertEquals(
        0, Files.size(dir.resolve("registry.mv.db")), "nothing opened (and re-created) the file");
  }

  @Test
  void anEmptyFileFromAnInterruptedFirstStartIsReplacedByANewRegistry() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("registry.mv.db"), new byte[0]);
    start();
    assertTrue(marker().contains("id="), "a new registry was created");
    assertTrue(Files.size(dir.resolve("registry.mv.db")) > 0);
  }

  @Test
  void aMissingRegistryFileIsRefusedWhenTheMarkerSaysOneExisted() throws Exception {
    start();
    Files.delete(dir.resolve("registry.mv.db"));
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("registry.mv.db")));
  }

  @Test
  void aMissingRegistryIsRefusedWhenModelFilesShowOneExisted() throws Exception {
    Files.createDirectories(dir.resolve("artifacts/sha256"));
    Files.write(dir.resolve("artifacts/sha256").resolve("ab".repeat(32)), new byte[] {1});
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(e.getMessage().contains("holds model files"), e.getMessage());
  }

  @Test
  void aFileThatIsNotH2IsRefused() throws Exception {
    start();
    byte[] garbage = new byte[20_000];
    Arrays.fill(garbage, (byte) 'x');
    Files.write(dir.resolve("registry.mv.db"), garbage);
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(e.getMessage().contains("not an H2 database file"), e.getMessage());
  }

  @Test
  void aReplacedDatabaseIsRefused() throws Exception {
    start();
    // Another registry's database put in its place: a valid H2 file with another id.
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    RegistryGuard otherGuard =
        new RegistryGuard(
            DatabaseSettings.fromConfig(ConfigFactory.load(), other),
            other,
            other.resolve("artifacts"),
            "event_journal");
    DatabaseSchema.ensure(DatabaseSettings.fromConfig(ConfigFactory.load(), other));
    otherGuard.checkAndRecord();
    Files.copy(
        other.resolve("registry.mv.db"),
        dir.resolve("registry.mv.db"),
        StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(e.getMessage().contains("holds registry"), e.getMessage());
  }

  @Test
  void aRegistryOfAnOlderReleaseIsAdopted() throws Exception {
    DatabaseSchema.ensure(db());
    try (Connection c = DriverManager.getConnection(db().url(), db().user(), db().password())) {
      c.createStatement()
          .execute(
              "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\", "
                  + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
                  + "VALUES (false, 'Model|m', 1, 'w', 0, '', X'00', 1, '')");
    }
    Files.createDirectories(dir.resolve("artifacts/sha256"));
    Files.write(dir.resolve("artifacts/sha256").resolve("ab".repeat(32)), new byte[] {1});
    start();
    assertTrue(marker().contains("id="));
  }

  @Test
  void h2FileNamesComeFromTheUrl() {
    assertEquals(
        Path.of("/srv/data/registry.mv.db"),
        H2Files.databaseFile("jdbc:h2:file:/srv/data/registry;DATABASE_TO_UPPER=false")
            .orElseThrow());
    assertTrue(H2Files.databaseFile("jdbc:h2:mem:test").isEmpty());
    assertTrue(H2Files.databaseFile("jdbc:postgresql://db/modelfleet").isEmpty());
  }

  @Test
  void aRegistryDamagedBehindItsHeaderIsRefusedWithTheWayOut() throws Exception {
    start();
    Path file = dir.resolve("registry.mv.db");
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 8192; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Files.write(file, bytes);
    var e = assertThrows(RegistryRefusedException.class, this::start);
    assertTrue(
        e.getMessage().contains("cannot be opened")
            || e.getMessage().contains("holds no ModelFleet registry"),
        e.getMessage());
    assertTrue(e.getMessage().contains("restore registry.mv.db from a backup"), e.getMessage());
    assertTrue(
        Arrays.equals(bytes, Files.readAllBytes(file)), "the damaged file was not written to");
  }
}
