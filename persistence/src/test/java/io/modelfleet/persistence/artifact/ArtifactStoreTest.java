package io.modelfleet.persistence.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
