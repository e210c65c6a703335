package io.modelfleet.node.cache;

import com.typesafe.config.Config;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's response cache (Triton's {@code response_cache}, its "local" implementation): the
 * outputs of successful requests, keyed by {@link ResponseCacheKey}, bounded in bytes ({@code
 * modelfleet.replica.response-cache.size}), evicting the least recently used answer first.
 *
 * <p>One per node, made by the node's main class and shared through the replica context by every
 * replica on the node, so replicas of the same version answer each other's repeats and one bound
 * covers every model. Only deployments that opt in ({@code response_cache: {enable: true}}) read or
 * fill it; a size of 0 turns it off for the node.
 *
 * <p>Thread-safety: replica actors look answers up and ORT executor threads store them, at the same
 * time. One lock guards the map and its order of use; it is held only for a hash map lookup or
 * insertion and the evictions that follow (constant time each), never while a key is hashed (the
 * caller computes it) or an answer is sized. Stored outputs are shared, never copied: tensors are
 * immutable by convention everywhere in the data path.
 */
public final class ResponseCache {

  public static final String SIZE_KEY = "modelfleet.replica.response-cache.size";

  /** A cache that holds nothing: for nodes and tests without one. */
  public static final ResponseCache OFF = new ResponseCache(0);

  /** What an entry costs besides its tensors' bytes: key, map entry, list, records. */
  static final long ENTRY_OVERHEAD_BYTES = 160;

  /** What a tensor costs besides its data: the record, its name and shape arrays. */
  static final long TENSOR_OVERHEAD_BYTES = 96;

  private record Entry(List<Tensor> outputs, long bytes) {}

  private final long capacityBytes;
  private final LinkedHashMap<ResponseCacheKey, Entry> entries =
      new LinkedHashMap<>(256, 0.75f, true);
  private long usedBytes;
  private long evictions;

  /**
   * @param capacityBytes the bound on what the stored answers cost; 0 holds nothing
   */
  public ResponseCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException(SIZE_KEY + " must be at least 0, got " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
  }

  public static ResponseCache fromConfig(Config root) {
    long size = root.getBytes(SIZE_KEY);
    return size == 0 ? OFF : new ResponseCache(size);
  }

  /** Whether this node caches at all. */
  public boolean enabled() {
    return capacityBytes > 0;
  }

  /** The stored outputs for {@code key} (now the most recently used), or null. */
  public List<Tensor> get(ResponseCacheKey key) {
    if (capacityBytes == 0) {
      return null;
    }
    synchronized (entries) {
      Entry e = entries.get(key);
      return e == null ? null : e.outputs();
    }
  }

  /**
   * Stores {@code outputs} as the answer for {@code key}, evicting the least recently used answers
   * until the bound holds again. An answer larger than the whole cache is not stored.
   *
   * @return whether it was stored
   */
  public boolean put(ResponseCacheKey key, List<Tensor> outputs) {
    long bytes = sizeOf(outputs);
    if (bytes > capacityBytes) {
      return false;
    }
    Entry entry = new Entry(List.copyOf(outputs), bytes);
    synchronized (entries) {
      Entry old = entries.put(key, entry);
      usedBytes += bytes - (old == null ? 0 : old.bytes());
      Iterator<Map.Entry<ResponseCacheKey, Entry>> eldest = entries.entrySet().iterator();
      while (usedBytes > capacityBytes) {
        Entry gone = eldest.next().getValue();
        eldest.remove();
        usedBytes -= gone.bytes();
        evictions++;
      }
    }
    return true;
  }

  /** What one stored answer is counted as against the bound. */
  static long sizeOf(List<Tensor> outputs) {
    long bytes = ENTRY_OVERHEAD_BYTES;
    for (Tensor t : outputs) {
      bytes += TENSOR_OVERHEAD_BYTES + t.data().length + 2L * t.name().length();
      bytes += 8L * t.shape().length;
    }
    return bytes;
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  /** What the stored answers cost now, never more than {@link #capacityBytes}. */
  public long usedBytes() {
    synchronized (entries) {
      return usedBytes;
    }
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** Answers dropped to make room since the node started. */
  public long evictions() {
    synchronized (entries) {
      return evictions;
    }
  }
}
