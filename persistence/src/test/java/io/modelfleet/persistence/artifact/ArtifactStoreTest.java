package io.modelfleet.persistence.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Materializer mat = Materializer.matFromSystem(kit.system());
  private static final Executor blocking = ForkJoinPool.commonPool();
  private static final String DISPATCHER = "pekko.actor.default-blocking-io-dispatcher";

  @TempDir Path dir;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Source<ByteString, ?> chunks(byte[] bytes, int chunk) {
    List<ByteString> parts =
        IntStream.range(0, (bytes.length + chunk - 1) / chunk)
            .mapToObj(
                i ->
                    ByteString.fromArray(
                        bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)))
            .toList();
    return Source.from(parts);
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void streamsChunksIntoAContentAddressedFile() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 10_000_000);
    byte[] bytes = new byte[3_000_001];
    new Random(7).nextBytes(bytes);
    StoredArtifact a =
        store.store(chunks(bytes, 8192), mat, DISPATCHER, blocking).toCompletableFuture().get();
    assertEquals(sha256(bytes), a.digest());
    assertEquals(bytes.length, a.size());
    assertArrayEquals(bytes, Files.readAllBytes(store.path(a.digest())));
    assertEquals(store.path(a.digest()), store.verified(a.digest()));
    try (var tmp = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, tmp.count(), "no temporary file is left after a commit");
    }
  }

  @Test
  void sameBytesTwiceShareOneFile() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    byte[] bytes = "same model".getBytes();
    var a = store.store(chunks(bytes, 3), mat, DISPATCHER, blocking).toCompletableFuture().get();
    var b = store.store(chunks(bytes, 5), mat, DISPATCHER, blocking).toCompletableFuture().get();
    assertEquals(a.digest(), b.digest());
    try (var files = Files.list(dir.resolve("sha256"))) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void tooLargeUploadFailsAndLeavesNothing() {
    ArtifactStore store = ArtifactStore.open(dir, 100);
    var err =
        assertThrows(
            ExecutionException.class,
            () ->
                store
                    .store(chunks(new byte[250], 50), mat, DISPATCHER, blocking)
                    .toCompletableFuture()
                    .get());
    assertInstanceOf(ArtifactTooLargeException.class, err.getCause());
    assertTrue(err.getCause().getMessage().contains("100 bytes"));
    assertTrue(dir.resolve("tmp").toFile().list().length == 0);
    assertTrue(dir.resolve("sha256").toFile().list().length == 0);
  }

  @Test
  void failedStreamLeavesNoPartialFile() {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    Source<ByteString, ?> broken =
        Source.from(List.of(ByteString.fromString("abc"), ByteString.fromString("def")))
            .map(
                b -> {
                  if (b.utf8String().equals("def")) {
                    throw new IllegalStateException("client went away");
                  }
                  return b;
                });
    assertThrows(
        ExecutionException.class,
        () -> store.store(broken, mat, DISPATCHER, blocking).toCompletableFuture().get());
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
    assertEquals(0, dir.resolve("sha256").toFile().list().length);
  }

  @Test
  void reopeningSweepsUploadsACrashLeftBehind() throws Exception {
    ArtifactStore.open(dir, 1000);
    Files.write(dir.resolve("tmp").resolve("upload-123.part"), new byte[] {1, 2, 3});
    ArtifactStore.open(dir, 1000);
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
  }

  @Test
  void verifyDetectsACorruptedFile() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    var a =
        store
            .store(chunks("model bytes".getBytes(), 4), mat, DISPATCHER, blocking)
            .toCompletableFuture()
            .get();
    Files.write(store.path(a.digest()), "tampered".getBytes());
    var e = assertThrows(ArtifactCorruptException.class, () -> store.verified(a.digest()));
    assertTrue(e.getMessage().contains(a.digest()));
    assertFalse(store.contains("sha256:" + "0".repeat(64)));
  }

  @Test
  void storeVerifiedCommitsAStreamUnderItsDigest() throws Exception {
    ArtifactStore store =
        ArtifactStore.open(dir, 100); // the upload limit does not apply to verified copies
    byte[] bytes = new byte[200_001];
    new Random(11).nextBytes(bytes);
    String digest = sha256(bytes);
    StoredArtifact a = store.storeVerified(digest, new ByteArrayInputStream(bytes));
    assertEquals(digest, a.digest());
    assertEquals(bytes.length, a.size());
    assertArrayEquals(bytes, Files.readAllBytes(a.path()));
    assertEquals(a, store.find(digest).orElseThrow());
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
  }

  @Test
  void storeVerifiedRefusesBytesThatDoNotMatchAndLeavesNothing() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    String expected = sha256("the real model".getBytes());
    var e =
        assertThrows(
            ArtifactCorruptException.class,
            () ->
                store.storeVerified(
                    expected, new ByteArrayInputStream("a tampered model".getBytes())));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(sha256("a tampered model".getBytes())), e.getMessage());
    assertFalse(store.contains(expected));
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
    assertEquals(0, dir.resolve("sha256").toFile().list().length);
  }

  @Test
  void storeVerifiedOfAStoredDigestDoesNotReadTheStream() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    byte[] bytes = "model".getBytes();
    StoredArtifact first = store.storeVerified(sha256(bytes), new ByteArrayInputStream(bytes));
    InputStream unreadable =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("must not be read");
          }
        };
    assertEquals(first, store.storeVerified(first.digest(), unreadable));
  }

  @Test
  void storeVerifiedLeavesNothingWhenTheStreamFails() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    InputStream failing =
        new SequenceInputStream(
            new ByteArrayInputStream(new byte[100]),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("connection reset");
              }
            });
    var e =
        assertThrows(
            UncheckedIOException.class, () -> store.storeVerified(sha256(new byte[100]), failing));
    assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
    assertEquals(0, dir.resolve("sha256").toFile().list().length);
  }

  @Test
  void findAndStoreVerifiedRejectWhatIsNotADigest() {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    assertTrue(store.find("sha256:" + "0".repeat(64)).isEmpty());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.storeVerified("../../etc/passwd", new ByteArrayInputStream(new byte[1])));
    assertTrue(e.getMessage().contains("not a sha256 digest"));
  }

  private Received receive(ArtifactStore store, byte[] bytes) throws Exception {
    return store.receive(chunks(bytes, 7), mat, DISPATCHER, blocking).toCompletableFuture().get();
  }

  private List<String> stored() {
    return List.of(dir.resolve("sha256").toFile().list());
  }

  @Test
  void reuploadOfTheOriginalBytesRepairsACorruptFile() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    byte[] bytes = "the original model bytes".getBytes();
    StoredArtifact a =
        store.store(chunks(bytes, 4), mat, DISPATCHER, blocking).toCompletableFuture().get();
    byte[] flipped = bytes.clone();
    flipped[3] ^= 0x40; // same size: only the hash tells
    Files.write(store.path(a.digest()), flipped);
    var corrupt = assertThrows(ArtifactCorruptException.class, () -> store.verified(a.digest()));
    assertTrue(
        corrupt.getMessage().contains(a.digest()) && corrupt.getMessage().contains(sha256(flipped)),
        corrupt.getMessage());
    assertFalse(
        corrupt.getMessage().contains(dir.toString()), "no server path in " + corrupt.getMessage());

    Received again = receive(store, bytes);
    assertEquals(Received.Placement.REPAIRED, again.placement());
    again.discard(); // even a refused re-upload leaves the repaired file: it did not create it
    assertArrayEquals(bytes, Files.readAllBytes(store.verified(a.digest())));

    Files.write(store.path(a.digest()), "short".getBytes()); // another size: no hash needed
    assertEquals(Received.Placement.REPAIRED, receive(store, bytes).placement());
    assertArrayEquals(bytes, Files.readAllBytes(store.verified(a.digest())));
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
  }

  @Test
  void aGoodStoredFileIsKeptAndTheNewCopyDropped() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    byte[] bytes = "model".getBytes();
    receive(store, bytes).keep();
    Received second = receive(store, bytes);
    assertEquals(Received.Placement.EXISTED, second.placement());
    second.discard();
    assertEquals(1, stored().size(), "a refused upload never deletes a file it did not create");
  }

  @Test
  void aRefusedUploadDeletesTheFileItCreated() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    Received r = receive(store, "refused".getBytes());
    assertEquals(Received.Placement.CREATED, r.placement());
    r.discard();
    assertEquals(List.of(), stored());
  }

  @Test
  void aRefusedUploadLeavesTheFileToAConcurrentUploadOfTheSameBytes() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    byte[] bytes = "shared bytes".getBytes();
    Received loser = receive(store, bytes);
    Received winner = receive(store, bytes);
    loser.discard(); // the winner still holds its lease
    assertEquals(1, stored().size());
    winner.keep();
    assertArrayEquals(bytes, Files.readAllBytes(store.verified(winner.artifact().digest())));

    // The other order: the winner registers first, then the upload that created the file is
    // refused.
    byte[] other = "other shared bytes".getBytes();
    Received creator = receive(store, other);
    Received registered = receive(store, other);
    registered.keep();
    creator.discard();
    assertTrue(
        store.contains(creator.artifact().digest()), "a digest registered through this node stays");
  }

  @Test
  void sweepDeletesOnlyOldUnreferencedUnleasedFiles() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    String orphan = receive(store, "orphan".getBytes()).artifact().digest(); // leased, never ended
    Received pinned = receive(store, "pinned".getBytes());
    pinned.keep();
    Path loose = store.path(sha256("loose".getBytes()));
    Files.write(loose, "loose".getBytes());
    Path young = store.path(sha256("young".getBytes()));
    Files.write(young, "young".getBytes());
    Path registeredFile = store.path(sha256("registered".getBytes()));
    Files.write(registeredFile, "registered".getBytes());
    Files.write(dir.resolve("sha256").resolve("README"), "not a digest".getBytes());
    Instant old = Instant.now().minusSeconds(7200);
    for (String name : stored()) {
      if (!dir.resolve("sha256").resolve(name).equals(young)) {
        Files.setLastModifiedTime(dir.resolve("sha256").resolve(name), FileTime.from(old));
      }
    }
    List<String> removed =
        store.sweep(Set.of(sha256("registered".getBytes())), Instant.now().minusSeconds(3600));
    assertEquals(List.of(sha256("loose".getBytes())), removed);
    assertFalse(Files.exists(loose));
    assertTrue(Files.exists(young), "younger than the grace period");
    assertTrue(Files.exists(registeredFile), "referenced by the registry");
    assertTrue(store.contains(orphan), "an upload still in flight holds it");
    assertTrue(store.contains(pinned.artifact().digest()), "registered through this node");
    assertTrue(
        Files.exists(dir.resolve("sha256").resolve("README")),
        "files that are not digests are left alone");
  }

  @Test
  void redactionHidesServerPaths() {
    Path blobs = dir.resolve("sha256");
    String hex = "ab".repeat(32);
    String ort = "Load model from " + blobs.resolve(hex) + " failed: Protobuf parsing failed.";
    assertEquals(
        "Load model from sha256:" + hex + " failed: Protobuf parsing failed.",
        Redaction.redact(ort, blobs, dir));
    assertEquals(
        "cannot open registry.mv.db: locked",
        Redaction.redact("cannot open /srv/data/registry.mv.db: locked"));
    assertEquals(
        "upload again with PUT /v1/models/m/versions/1",
        Redaction.redact("upload again with PUT /v1/models/m/versions/1"));
    assertEquals("see http://example.com/a/b", Redaction.redact("see http://example.com/a/b"));
  }

  @Test
  void aCollectorRunWhoseRegistryReadFailsDeletesNothing() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    Path orphan = store.path(sha256("orphan".getBytes()));
    Files.write(orphan, "orphan".getBytes());
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minusSeconds(7200)));
    OrphanCollector failing =
        new OrphanCollector(
            store,
            () -> CompletableFuture.failedFuture(new IllegalStateException("registry unreachable")),
            Duration.ofHours(1),
            blocking);
    assertThrows(ExecutionException.class, () -> failing.collect().toCompletableFuture().get());
    assertTrue(Files.exists(orphan));

    OrphanCollector working =
        new OrphanCollector(
            store,
            () -> CompletableFuture.completedFuture(Set.of()),
            Duration.ofHours(1),
            blocking);
    assertEquals(
        List.of(sha256("orphan".getBytes())), working.collect().toCompletableFuture().get());
    assertFalse(Files.exists(orphan));
  }
}
