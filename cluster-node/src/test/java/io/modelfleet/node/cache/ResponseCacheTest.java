package io.modelfleet.node.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The node's response cache: what makes two requests the same, the bound in bytes, LRU order. */
class ResponseCacheTest {
  private static final ResponseCacheKey.Scope M1 = ResponseCacheKey.scope("m", "1", "sha256:aa");

  private static Tensor fp32(String name, long[] shape, int bytes, int fill) {
    byte[] data = new byte[bytes];
    java.util.Arrays.fill(data, (byte) fill);
    return new Tensor(name, DataType.FP32, shape, data);
  }

  private static Tensor x(int fill) {
    return fp32("x", new long[] {1, 4}, 16, fill);
  }

  /** One output of {@code bytes} data bytes. */
  private static List<Tensor> answer(int bytes) {
    return List.of(fp32("y", new long[] {bytes / 4}, bytes, 1));
  }

  @Test
  void theSameRequestGivesTheSameKey() {
    ResponseCacheKey a = M1.key(List.of("y"), List.of(x(1), fp32("z", new long[] {2}, 8, 3)));
    ResponseCacheKey b = M1.key(List.of("y"), List.of(x(1), fp32("z", new long[] {2}, 8, 3)));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    // The order the client lists its inputs in does not change the answer, nor the key.
    assertEquals(a, M1.key(List.of("y"), List.of(fp32("z", new long[] {2}, 8, 3), x(1))));
    assertTrue(a.toString().startsWith("sha256:") && a.toString().length() == 7 + 64);
  }

  @Test
  void anyDifferenceThatCanChangeTheAnswerGivesAnotherKey() {
    ResponseCacheKey base = M1.key(List.of("y"), List.of(x(1)));
    // input bytes
    assertNotEquals(base, M1.key(List.of("y"), List.of(x(2))));
    // shape, same bytes
    assertNotEquals(base, M1.key(List.of("y"), List.of(fp32("x", new long[] {4, 1}, 16, 1))));
    assertNotEquals(base, M1.key(List.of("y"), List.of(fp32("x", new long[] {4}, 16, 1))));
    // datatype, same bytes
    assertNotEquals(
        base,
        M1.key(
            List.of("y"),
            List.of(new Tensor("x", DataType.INT32, new long[] {1, 4}, x(1).data()))));
    // input name
    assertNotEquals(base, M1.key(List.of("y"), List.of(fp32("w", new long[] {1, 4}, 16, 1))));
    // requested outputs
    assertNotEquals(base, M1.key(List.of(), List.of(x(1))));
    assertNotEquals(base, M1.key(List.of("y", "z"), List.of(x(1))));
    assertNotEquals(
        M1.key(List.of("y", "z"), List.of(x(1))), M1.key(List.of("z", "y"), List.of(x(1))));
    // model, version, artifact
    assertNotEquals(
        base, ResponseCacheKey.scope("m", "2", "sha256:aa").key(List.of("y"), List.of(x(1))));
    assertNotEquals(
        base, ResponseCacheKey.scope("n", "1", "sha256:aa").key(List.of("y"), List.of(x(1))));
    assertNotEquals(
        base, ResponseCacheKey.scope("m", "1", "sha256:bb").key(List.of("y"), List.of(x(1))));
    // Lengths are part of what is hashed: moving a boundary between fields changes the key.
    assertNotEquals(
        ResponseCacheKey.scope("ab", "c", "").key(List.of(), List.of()),
        ResponseCacheKey.scope("a", "bc", "").key(List.of(), List.of()));
  }

  @Test
  void storesAndAnswersAndKeepsTheBoundInBytes() {
    long each = ResponseCache.sizeOf(answer(1000));
    ResponseCache cache = new ResponseCache(3 * each);
    List<ResponseCacheKey> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ResponseCacheKey k = M1.key(List.of(), List.of(x(i)));
      keys.add(k);
      assertTrue(cache.put(k, answer(1000)));
      assertTrue(cache.usedBytes() <= 3 * each, "bound kept after " + i);
    }
    assertEquals(3, cache.size());
    assertEquals(3 * each, cache.usedBytes());
    assertEquals(7, cache.evictions());
    // The three most recent remain.
    for (int i = 0; i < 7; i++) {
      assertNull(cache.get(keys.get(i)), "evicted " + i);
    }
    for (int i = 7; i < 10; i++) {
      assertEquals(answer(1000), cache.get(keys.get(i)), "kept " + i);
    }
  }

  @Test
  void evictsTheLeastRecentlyUsedNotTheOldest() {
    long each = ResponseCache.sizeOf(answer(1000));
    ResponseCache cache = new ResponseCache(3 * each);
    ResponseCacheKey a = M1.key(List.of(), List.of(x(1)));
    ResponseCacheKey b = M1.key(List.of(), List.of(x(2)));
    ResponseCacheKey c = M1.key(List.of(), List.of(x(3)));
    ResponseCacheKey d = M1.key(List.of(), List.of(x(4)));
    cache.put(a, answer(1000));
    cache.put(b, answer(1000));
    cache.put(c, answer(1000));
    assertTrue(cache.get(a) != null, "a used again: b is now the least recently used");
    cache.put(d, answer(1000));
    assertNull(cache.get(b));
    assertTrue(cache.get(a) != null && cache.get(c) != null && cache.get(d) != null);
  }

  @Test
  void aLargeAnswerMakesRoomAndOneLargerThanTheCacheIsNotStored() {
    long small = ResponseCache.sizeOf(answer(1000));
    ResponseCache cache = new ResponseCache(4 * small);
    for (int i = 0; i < 4; i++) {
      cache.put(M1.key(List.of(), List.of(x(i))), answer(1000));
    }
    ResponseCacheKey big = M1.key(List.of(), List.of(x(99)));
    assertTrue(cache.put(big, answer(2500)));
    assertTrue(cache.usedBytes() <= 4 * small);
    assertEquals(answer(2500), cache.get(big));
    assertEquals(2, cache.size(), "two small answers left to make room for the large one");

    ResponseCacheKey huge = M1.key(List.of(), List.of(x(100)));
    assertFalse(cache.put(huge, answer(10_000)));
    assertNull(cache.get(huge));
    assertEquals(answer(2500), cache.get(big), "nothing was evicted for an answer never stored");
  }

  @Test
  void storingTheSameKeyAgainReplacesWithoutCountingTwice() {
    ResponseCache cache = new ResponseCache(1 << 20);
    ResponseCacheKey k = M1.key(List.of(), List.of(x(1)));
    cache.put(k, answer(1000));
    cache.put(k, answer(2000));
    assertEquals(1, cache.size());
    assertEquals(ResponseCache.sizeOf(answer(2000)), cache.usedBytes());
    assertEquals(answer(2000), cache.get(k));
  }

  @Test
  void sizeZeroIsOffAndTheSettingIsRead() {
    ResponseCacheKey k = M1.key(List.of(), List.of(x(1)));
    assertFalse(ResponseCache.OFF.enabled());
    assertFalse(ResponseCache.OFF.put(k, answer(4)));
    assertNull(ResponseCache.OFF.get(k));
    assertSame(
        ResponseCache.OFF,
        ResponseCache.fromConfig(
            ConfigFactory.parseString("modelfleet.replica.response-cache.size = 0")));
    ResponseCache shipped = ResponseCache.fromConfig(ConfigFactory.load());
    assertTrue(shipped.enabled());
    assertEquals(64L << 20, shipped.capacityBytes());
    assertThrows(IllegalArgumentException.class, () -> new ResponseCache(-1));
  }

  @Test
  void manyThreadsAtOnceKeepTheBound() throws Exception {
    long each = ResponseCache.sizeOf(answer(100));
    ResponseCache cache = new ResponseCache(50 * each);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    ResponseCacheKey k = M1.key(List.of(), List.of(x((thread * 2_000 + i) % 120)));
                    if (cache.get(k) == null) {
                      cache.put(k, answer(100));
                    }
                  }
                }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(cache.usedBytes() <= 50 * each);
    assertEquals(50, cache.size());
    assertEquals(50 * each, cache.usedBytes());
  }
}
