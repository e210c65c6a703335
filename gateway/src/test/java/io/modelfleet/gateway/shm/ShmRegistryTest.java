package io.modelfleet.gateway.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.MemoryReservation;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShmRegistryTest {

  @TempDir Path dir;

  private ShmRegistry registry(int maxRegions, long maxBytes) {
    return new ShmRegistry(new ShmSettings(dir, maxRegions, maxBytes), Runnable::run);
  }

  private Path object(String name, int size) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, new byte[size]);
    return p;
  }

  private static String error(Runnable r) {
    ApiException e = assertThrows(ApiException.class, r::run);
    assertEquals(400, e.status(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void registersListsAndUnregistersRegions() throws IOException {
    object("a", 64);
    object("b", 32);
    ShmRegistry r = registry(8, 1 << 20);
    r.register("in", "/a", 16, 48);
    r.register("out", "b", 0, 32);
    List<ShmRegion> all = r.status(null);
    assertEquals(List.of("in", "out"), all.stream().map(ShmRegion::name).toList());
    assertEquals("/a", all.get(0).key());
    assertEquals(16, all.get(0).offset());
    assertEquals(48, all.get(0).byteSize());
    assertEquals(80, r.mappedBytes());
    assertEquals("in", r.status("in").get(0).name());

    r.unregister("in");
    assertEquals(404, assertThrows(ApiException.class, () -> r.status("in")).status());
    assertEquals(32, r.mappedBytes());
    r.unregister("never-registered");
    r.unregister(null);
    assertEquals(List.of(), r.status(null));
    assertEquals(0, r.mappedBytes());
  }

  @Test
  void refusesBadRegistrationsNamingTheProblem() throws IOException {
    object("small", 16);
    Files.createDirectory(dir.resolve("sub"));
    object("sub/x", 16);
    ShmRegistry r = registry(8, 1 << 20);
    assertTrue(error(() -> r.register("x", "/missing", 0, 8)).contains("no shared memory object"));
    assertTrue(error(() -> r.register("x", "/small", 8, 16)).contains("has 16 bytes"));
    assertTrue(error(() -> r.register("x", "/sub/x", 0, 8)).contains("must not contain '/'"));
    assertTrue(error(() -> r.register("x", "/../small", 0, 8)).contains("'..'"));
    assertTrue(error(() -> r.register("x", "..", 0, 8)).contains("'..'"));
    assertTrue(error(() -> r.register("x", "", 0, 8)).contains("'key'"));
    assertTrue(error(() -> r.register("x", "/small", 0, 0)).contains("'byte_size'"));
    assertTrue(error(() -> r.register("", "/small", 0, 8)).contains("name"));
    r.register("x", "/small", 0, 8);
    assertTrue(error(() -> r.register("x", "/small", 8, 8)).contains("already registered"));
    assertEquals(1, r.status(null).size());
  }

  @Test
  void doesNotFollowLinksOutOfTheDirectory(@TempDir Path elsewhere) throws IOException {
    Path secret = elsewhere.resolve("secret");
    Files.write(secret, new byte[64]);
    Files.createSymbolicLink(dir.resolve("link"), secret);
    ShmRegistry r = registry(8, 1 << 20);
    assertTrue(error(() -> r.register("x", "/link", 0, 8)).contains("no regular file"));
  }

  @Test
  void boundsTheRegionsAndTheirBytes() throws IOException {
    object("a", 100);
    ShmRegistry r = registry(2, 150);
    r.register("one", "/a", 0, 100);
    assertTrue(error(() -> r.register("two", "/a", 0, 51)).contains("max-mapped-bytes"));
    r.register("two", "/a", 0, 50);
    assertTrue(error(() -> r.register("three", "/a", 0, 1)).contains("max-regions"));
    r.unregister("one");
    r.register("three", "/a", 0, 100);
    assertEquals(150, r.mappedBytes());
  }

  @Test
  void inputsAreReadAndOutputsWrittenWithinBounds() throws IOException {
    Path file = object("t", 64);
    ByteBuffer values = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    values.putInt(7).putInt(-2).putInt(40);
    byte[] seeded = new byte[64];
    System.arraycopy(values.array(), 0, seeded, 8, 12);
    Files.write(file, seeded);
    ShmRegistry r = registry(8, 1 << 20);
    r.register("t", "/t", 0, 64);
    ShmTensors tensors = new ShmTensors(r);

    Tensor in =
        tensors.input(
            "x", DataType.INT32, new long[] {1, 3}, new ShmRef("t", 12, 8), MemoryReservation.NONE);
    assertArrayEquals(values.array(), in.data());
    assertTrue(
        error(
                () ->
                    tensors.input(
                        "x",
                        DataType.INT32,
                        new long[] {1, 3},
                        new ShmRef("t", 8, 8),
                        MemoryReservation.NONE))
            .contains("needs 12 bytes"));
    assertTrue(
        error(
                () ->
                    tensors.input(
                        "x",
                        DataType.INT32,
                        new long[] {1, 3},
                        new ShmRef("t", 12, 60),
                        MemoryReservation.NONE))
            .contains("do not fit"));
    assertTrue(
        error(
                () ->
                    tensors.input(
                        "x",
                        DataType.INT32,
                        new long[] {3},
                        new ShmRef("nope", 12, 0),
                        MemoryReservation.NONE))
            .contains("not registered"));

    Tensor out = new Tensor("y", DataType.INT32, new long[] {3}, values.array());
    tensors.checkOutputs(Map.of("y", new ShmRef("t", 16, 40)));
    tensors.writeOutputs(List.of(out), Map.of("y", new ShmRef("t", 16, 40)));
    byte[] now = Files.readAllBytes(file);
    for (int i = 0; i < 12; i++) {
      assertEquals(values.array()[i], now[40 + i]);
    }
    assertTrue(
        error(() -> tensors.writeOutputs(List.of(out), Map.of("y", new ShmRef("t", 8, 0))))
            .contains("takes 12"));
    assertTrue(
        error(() -> tensors.checkOutputs(Map.of("y", new ShmRef("t", 16, 56))))
            .contains("do not fit"));
  }

  @Test
  void anUnregisteredRegionIsUnmappedOnlyOnceItsLastUserIsDone() throws IOException {
    object("a", 16);
    ShmRegistry r = registry(8, 1 << 20);
    ShmRegion region = r.register("a", "/a", 0, 16);
    assertTrue(region.acquire());
    r.unregister("a");
    // Still held: the copy in progress may finish.
    assertArrayEquals(new byte[4], region.read("input 'x'", 0, 4));
    assertFalse(region.acquire());
    region.release();
    assertFalse(region.acquire());
    assertTrue(
        error(
                () ->
                    new ShmTensors(r)
                        .input(
                            "x",
                            DataType.INT32,
                            new long[] {1},
                            new ShmRef("a", 4, 0),
                            MemoryReservation.NONE))
            .contains("not registered"));
  }

  @Test
  void mappingsAreReleasedAtOnceOnThisJvm() {
    assertTrue(Unmapper.available());
  }

  @Test
  void aTruncatedObjectIsTheClientsError() throws IOException {
    Path file = object("t", 8192);
    ShmRegistry r = registry(8, 1 << 20);
    r.register("t", "/t", 0, 8192);
    try (var channel =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
    assertTrue(
        error(
                () ->
                    new ShmTensors(r)
                        .input(
                            "x",
                            DataType.UINT8,
                            new long[] {4096},
                            new ShmRef("t", 4096, 4096),
                            MemoryReservation.NONE))
            .contains("was truncated"));
  }
}
