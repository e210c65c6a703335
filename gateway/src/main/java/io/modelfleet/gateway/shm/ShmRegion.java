package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;
import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered system shared memory region: {@code byteSize} bytes of the file behind {@code
 * key}, from {@code offset}, mapped read-write once at registration.
 *
 * <p>Inferences copy out of and into the mapping with absolute bulk gets and puts, which touch no
 * buffer state, so any number run at once without a lock (what the client does to the same bytes
 * meanwhile is its own business, as with Triton). Each copy holds the region ({@link #acquire} /
 * {@link #release}) so that {@link #close} never unmaps under a running copy, which would crash the
 * JVM: the state is the count of holders plus a closed bit; once closed, no one acquires, and
 * whoever brings the count to zero with the bit set unmaps, exactly once.
 */
public final class ShmRegion {

  private static final int CLOSED = 1 << 30;

  private final String name;
  private final String key;
  private final long offset;
  private final int byteSize;
  private final MappedByteBuffer buffer;
  private final AtomicInteger state = new AtomicInteger();

  ShmRegion(String name, String key, long offset, int byteSize, MappedByteBuffer buffer) {
    this.name = name;
    this.key = key;
    this.offset = offset;
    this.byteSize = byteSize;
    this.buffer = buffer;
  }

  public String name() {
    return name;
  }

  public String key() {
    return key;
  }

  public long offset() {
    return offset;
  }

  public long byteSize() {
    return byteSize;
  }

  /** False once the region is unregistered: the caller must not touch it. */
  boolean acquire() {
    while (true) {
      int s = state.get();
      if ((s & CLOSED) != 0) {
        return false;
      }
      if (state.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (state.decrementAndGet() == CLOSED) {
      Unmapper.unmap(buffer);
    }
  }

  /** Unregisters: unmaps now, or when the last copy in progress ends. */
  void close() {
    int before = state.getAndUpdate(s -> s | CLOSED);
    if (before == 0) {
      Unmapper.unmap(buffer);
    }
  }

  /**
   * Copies {@code size} bytes at {@code at} out of the region; the caller holds it.
   *
   * @throws ApiException 400 when the range is not inside the region
   */
  byte[] read(String who, long at, long size) {
    requireInside(who, at, size);
    byte[] out = new byte[(int) size];
    buffer.get((int) at, out);
    return out;
  }

  /**
   * Copies {@code data} into the region at {@code at}; the caller holds it.
   *
   * @throws ApiException 400 when the range is not inside the region
   */
  void write(String who, long at, byte[] data) {
    requireInside(who, at, data.length);
    buffer.put((int) at, data);
  }

  /**
   * @throws ApiException 400 when {@code [at, at + size)} is not inside the region
   */
  void requireInside(String who, long at, long size) {
    if (at < 0 || size < 0 || at > byteSize || size > byteSize - at) {
      throw ApiException.badRequest(
          who
              + ": offset "
              + at
              + " and byte size "
              + size
              + " do not fit in shared memory region '"
              + name
              + "' of "
              + byteSize
              + " bytes");
    }
  }
}
