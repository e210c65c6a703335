package io.modelfleet.persistence.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Artifacts shared through a real H2 file and a real PostgreSQL: what one node publishes, another
 * node with an empty store can fetch, byte for byte, and damaged database copies never reach a
 * node's store. Each test uses fresh random bytes, so the tests share the two databases.
 */
class DatabaseArtifactsIT {
  private static final int MIB = 1 << 20;
  private static final SharedStoreSettings ONE_MIB_CHUNKS =
      SharedStoreSettings.fromConfig(ConfigFactory.load()).withChunkSize(MIB);

  @TempDir static Path h2Dir;
  private static EmbeddedPostgres pg;

  @TempDir Path dir;

  /** A database under test; the name is what the test report shows. */
  record Database(String name, DatabaseSettings settings) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  static Stream<Database> databases() {
    var pgConfig =
        ConfigFactory.parseMap(
                Map.of(
                    "modelfleet.database.url",
                    pg.getJdbcUrl("postgres", "postgres"),
                    "modelfleet.database.user",
                    "postgres"))
            .withFallback(ConfigFactory.load());
    return Stream.of(
        new Database("H2 file", DatabaseSettings.fromConfig(ConfigFactory.load(), h2Dir)),
        new Database("PostgreSQL", DatabaseSettings.fromConfig(pgConfig, h2Dir)));
  }

  private ArtifactStore store(String name) {
    return ArtifactStore.open(dir.resolve(name), 3L << 30);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  private static StoredArtifact put(ArtifactStore store, byte[] bytes) throws Exception {
    String digest =
        "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    return store.storeVerified(digest, new ByteArrayInputStream(bytes));
  }

  private static void assertEmpty(Path storeRoot) {
    assertEquals(0, storeRoot.resolve("sha256").toFile().list().length, "nothing is stored");
    assertEquals(0, storeRoot.resolve("tmp").toFile().list().length, "no temporary file is left");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aNodeWithAnEmptyStoreFetchesWhatAnotherPublished(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.fromConfig(ConfigFactory.load(), db.settings());
    assertEquals(4 * MIB, shared.chunkSize(), "reference.conf default");
    ArtifactStore a = store("a");
    ArtifactStore b = store("b");
    byte[] bytes = randomBytes(300_000);
    StoredArtifact published = put(a, bytes);
    assertFalse(shared.contains(published.digest()));

    shared.publish(published);

    assertTrue(shared.contains(published.digest()));
    assertFalse(b.contains(published.digest()));
    StoredArtifact fetched = shared.fetchInto(published.digest(), b);
    assertEquals(published.digest(), fetched.digest());
    assertEquals(bytes.length, fetched.size());
    assertEquals(b.path(published.digest()), fetched.path());
    assertArrayEquals(bytes, Files.readAllBytes(fetched.path()));
    assertEquals(fetched.path(), b.verified(published.digest()));
    assertEquals(
        1,
        count(
            db,
            "SELECT COUNT(*) FROM modelfleet_artifact_chunk WHERE digest = ?",
            published.digest()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aLargeArtifactTravelsInSeveralChunks(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    byte[] bytes = randomBytes(10 * MIB + 12_345);
    StoredArtifact published = put(store("a"), bytes);
    shared.publish(published);
    assertEquals(
        11,
        count(
            db,
            "SELECT COUNT(*) FROM modelfleet_artifact_chunk WHERE digest = ?",
            published.digest()));
    assertEquals(
        11,
        count(db, "SELECT chunks FROM modelfleet_artifact WHERE digest = ?", published.digest()));
    assertEquals(
        bytes.length,
        count(db, "SELECT size FROM modelfleet_artifact WHERE digest = ?", published.digest()));

    ArtifactStore b = store("b");
    StoredArtifact fetched = shared.fetchInto(published.digest(), b);
    assertEquals(published.digest(), fetched.digest());
    assertEquals(bytes.length, fetched.size());
    assertArrayEquals(bytes, Files.readAllBytes(fetched.path()));
    assertEquals(0, dir.resolve("b").resolve("tmp").toFile().list().length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void publishingTwiceAndReopeningChangeNothing(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    StoredArtifact published = put(store("a"), randomBytes(2 * MIB + 1));
    shared.publish(published);
    long createdAt =
        count(
            db, "SELECT created_at FROM modelfleet_artifact WHERE digest = ?", published.digest());

    DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS)
        .publish(published); // the schema is created again, harmlessly
    shared.publish(published);

    assertEquals(
        1,
        count(db, "SELECT COUNT(*) FROM modelfleet_artifact WHERE digest = ?", published.digest()));
    assertEquals(
        3,
        count(
            db,
            "SELECT COUNT(*) FROM modelfleet_artifact_chunk WHERE digest = ?",
            published.digest()));
    assertEquals(
        createdAt,
        count(
            db, "SELECT created_at FROM modelfleet_artifact WHERE digest = ?", published.digest()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void twoNodesPublishingTheSameArtifactAtOnceBothSucceed(Database db) throws Exception {
    // Two instances with their own connections, as two nodes would have; several rounds so that
    // the transactions overlap in at least some of them.
    DatabaseArtifacts node1 = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    DatabaseArtifacts node2 = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    for (int round = 0; round < 4; round++) {
      StoredArtifact artifact = put(store("a" + round), randomBytes(8 * MIB));
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Void>> publishes =
          Stream.of(node1, node2)
              .map(
                  node ->
                      CompletableFuture.runAsync(
                          () -> {
                            await(start);
                            node.publish(artifact);
                          }))
              .toList();
      for (CompletableFuture<Void> p : publishes) {
        p.get(60, TimeUnit.SECONDS); // throws if either publish failed
      }
      assertEquals(
          1,
          count(
              db, "SELECT COUNT(*) FROM modelfleet_artifact WHERE digest = ?", artifact.digest()));
      assertEquals(
          8,
          count(
              db,
              "SELECT COUNT(*) FROM modelfleet_artifact_chunk WHERE digest = ?",
              artifact.digest()));
      assertArrayEquals(
          Files.readAllBytes(artifact.path()),
          Files.readAllBytes(node1.fetchInto(artifact.digest(), store("b" + round)).path()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void fetchingAnUnpublishedDigestSaysSo(Database db) {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    String unknown = "sha256:" + HexFormat.of().formatHex(randomBytes(32));
    var e =
        assertThrows(ArtifactNotFoundException.class, () -> shared.fetchInto(unknown, store("b")));
    assertTrue(e.getMessage().contains(unknown), e.getMessage());
    assertTrue(e.getMessage().contains("never published"), e.getMessage());
    assertEmpty(dir.resolve("b"));
    var bad =
        assertThrows(
            IllegalArgumentException.class, () -> shared.fetchInto("model.onnx", store("b")));
    assertTrue(bad.getMessage().contains("not a sha256 digest"), bad.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aTamperedChunkNeverReachesTheStore(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    StoredArtifact published = put(store("a"), randomBytes(3 * MIB));
    shared.publish(published);
    try (Connection c = connect(db);
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE modelfleet_artifact_chunk SET data = ? WHERE digest = ? AND seq = 1")) {
      update.setBytes(1, randomBytes(MIB)); // same length: only the digest can tell
      update.setString(2, published.digest());
      assertEquals(1, update.executeUpdate());
    }

    ArtifactStore b = store("b");
    var e =
        assertThrows(ArtifactCorruptException.class, () -> shared.fetchInto(published.digest(), b));
    assertTrue(
        e.getMessage().contains("registry database's copy of artifact " + published.digest()),
        e.getMessage());
    assertFalse(b.contains(published.digest()));
    assertEmpty(dir.resolve("b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aMissingChunkIsReportedAndNothingIsStored(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    StoredArtifact published = put(store("a"), randomBytes(3 * MIB));
    shared.publish(published);
    try (Connection c = connect(db);
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM modelfleet_artifact_chunk WHERE digest = ? AND seq = 1")) {
      delete.setString(1, published.digest());
      assertEquals(1, delete.executeUpdate());
    }

    var e =
        assertThrows(
            ArtifactCorruptException.class, () -> shared.fetchInto(published.digest(), store("b")));
    assertTrue(e.getMessage().contains("chunk 1 of 3 is missing"), e.getMessage());
    assertEmpty(dir.resolve("b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aLocalFileThatNoLongerMatchesItsDigestIsNotPublished(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    StoredArtifact local = put(store("a"), randomBytes(2 * MIB));
    Files.write(local.path(), randomBytes(2 * MIB)); // bit rot on the publishing node

    var e = assertThrows(ArtifactCorruptException.class, () -> shared.publish(local));
    assertTrue(e.getMessage().contains("not published"), e.getMessage());
    assertFalse(shared.contains(local.digest()));
    assertEquals(
        0,
        count(
            db, "SELECT COUNT(*) FROM modelfleet_artifact_chunk WHERE digest = ?", local.digest()),
        "the chunks were rolled back with the artifact row");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aDigestTheNodeAlreadyHoldsIsNotFetchedAgain(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.open(db.settings(), ONE_MIB_CHUNKS);
    ArtifactStore b = store("b");
    StoredArtifact local = put(b, randomBytes(1000)); // never published
    assertEquals(local, shared.fetchInto(local.digest(), b));
  }

  private static Connection connect(Database db) throws Exception {
    return DriverManager.getConnection(
        db.settings().url(), db.settings().user(), db.settings().password());
  }

  private static long count(Database db, String sql, String digest) throws Exception {
    try (Connection c = connect(db);
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, digest);
      try (ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next(), "no row for " + sql);
        return rs.getLong(1);
      }
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aCorruptLocalCopyIsRepairedFromTheDatabase(Database db) throws Exception {
    DatabaseArtifacts shared = DatabaseArtifacts.fromConfig(ConfigFactory.load(), db.settings());
    ArtifactStore local = store("a");
    byte[] bytes = randomBytes(100_000);
    StoredArtifact published = put(local, bytes);
    shared.publish(published);
    byte[] flipped = bytes.clone();
    flipped[500] ^= 1;
    Files.write(published.path(), flipped);
    assertThrows(ArtifactCorruptException.class, () -> local.verified(published.digest()));
    assertEquals(
        published.path(),
        shared.fetchInto(published.digest(), local).path(),
        "fetchInto trusts the cache");

    shared.repairInto(published.digest(), local);

    assertArrayEquals(bytes, Files.readAllBytes(local.verified(published.digest())));
    assertEquals(0, dir.resolve("a").resolve("tmp").toFile().list().length);
  }
}
