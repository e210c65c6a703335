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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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
    List<ByteString> parts = IntStream.range(0, (bytes.length + chunk - 1) / chunk)
        .mapToObj(i -> ByteString.fromArray(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)))
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
    StoredArtifact a = store.store(chunks(bytes, 8192), mat, DISPATCHER, blocking).toCompletableFuture().get();
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
    var err = assertThrows(ExecutionException.class,
        () -> store.store(chunks(new byte[250], 50), mat, DISPATCHER, blocking).toCompletableFuture().get());
    assertInstanceOf(ArtifactTooLargeException.class, err.getCause());
    assertTrue(err.getCause().getMessage().contains("100 bytes"));
    assertTrue(dir.resolve("tmp").toFile().list().length == 0);
    assertTrue(dir.resolve("sha256").toFile().list().length == 0);
  }

  @Test
  void failedStreamLeavesNoPartialFile() {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    Source<ByteString, ?> broken = Source.from(List.of(ByteString.fromString("abc"), ByteString.fromString("def")))
        .map(b -> {
          if (b.utf8String().equals("def")) {
            throw new IllegalStateException("client went away");
          }
          return b;
        });
    assertThrows(ExecutionException.class, () -> store.store(broken, mat, DISPATCHER, blocking).toCompletableFuture().get());
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
    var a = store.store(chunks("model bytes".getBytes(), 4), mat, DISPATCHER, blocking).toCompletableFuture().get();
    Files.write(store.path(a.digest()), "tampered".getBytes());
    var e = assertThrows(ArtifactCorruptException.class, () -> store.verified(a.digest()));
    assertTrue(e.getMessage().contains(a.digest()));
    assertFalse(store.contains("sha256:" + "0".repeat(64)));
  }
  @Test
  void storeVerifiedCommitsAStreamUnderItsDigest() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir, 100); // the upload limit does not apply to verified copies
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
    var e = assertThrows(ArtifactCorruptException.class,
        () -> store.storeVerified(expected, new ByteArrayInputStream("a tampered model".getBytes())));
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
    InputStream unreadable = new InputStream() {
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
    InputStream failing = new SequenceInputStream(new ByteArrayInputStream(new byte[100]), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    });
    var e = assertThrows(UncheckedIOException.class, () -> store.storeVerified(sha256(new byte[100]), failing));
    assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    assertEquals(0, dir.resolve("tmp").toFile().list().length);
    assertEquals(0, dir.resolve("sha256").toFile().list().length);
  }

  @Test
  void findAndStoreVerifiedRejectWhatIsNotADigest() {
    ArtifactStore store = ArtifactStore.open(dir, 1000);
    assertTrue(store.find("sha256:" + "0".repeat(64)).isEmpty());
    var e = assertThrows(IllegalArgumentException.class,
        () -> store.storeVerified("../../etc/passwd", new ByteArrayInputStream(new byte[1])));
    assertTrue(e.getMessage().contains("not a sha256 digest"));
  }
}
