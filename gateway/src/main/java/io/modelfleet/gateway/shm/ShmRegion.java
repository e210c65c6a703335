package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered system shared memory region: {@code byteSize} bytes of the file behind {@code
 * key}, from {@code offset}, mapped read-write once at registration.
 *
 * <p>Inferences copy out of and into the mapping with absolute bulk gets and puts, which touch no
 * buffer state, so any number run at once without a lock of their own (the size check before each
 * copy is an fstat under the channel's position lock); what the client does to the same bytes
 * meanwhile is its own business, as with Triton. Each copy holds the region ({@link #acquire} /
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

  /** Kept open to see the object's size before each copy (see {@link #requireUntruncated}). */
  private final FileChannel channel;

  private final AtomicInteger state = new AtomicInteger();

  ShmRegion(
      String name,
      String key,
      long offset,
      int byteSize,
      MappedByteBuffer buffer,
      FileChannel channel) {
    this.name = name;
    this.key = key;
    this.offset = offset;
    this.byteSize = byteSize;
    this.buffer = buffer;
    this.channel = channel;
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
      free();
    }
  }

  /** Unregisters: unmaps now, or when the last copy in progress ends. */
  void close() {
    int before = state.getAndUpdate(s -> s | CLOSED);
    if (before == 0) {
      free();
    }
  }

  private void free() {
    Unmapper.unmap(buffer);
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is written through the channel: closing it cannot lose data.
    }
  }

  /**
   * Copies {@code size} bytes at {@code at} out of the region; the caller holds it.
   *
   * @throws ApiException 400 when the range is not inside the region
   */
  byte[] read(String who, long at, long size) {
    requireInside(who, at, size);
    requireUntruncated(who, at + size);
    byte[] out = new byte[(int) size];
    try {
      buffer.get((int) at, out);
    } catch (InternalError e) {
      throw truncated(who);
    }
    return out;
  }

  /**
   * Copies {@code data} into the region at {@code at}; the caller holds it.
   *
   * @throws ApiException 400 when the range is not inside the region
   */
  void write(String who, long at, byte[] data) {
    requireInside(who, at, data.length);
    requireUntruncated(who, at + data.length);
    try {
      buffer.put((int) at, data);
    } catch (InternalError e) {
      throw truncated(who);
    }
  }

  /**
   * A mapped page past the end of the object faults once the client truncates it, and the JVM
   * reports such a fault as an InternalError thrown some time after the copy (in compiled code), so
   * it cannot be caught around the copy. The object's size is therefore checked before each copy
   * (an fstat): a truncated object is refused with a sentence instead. A client that truncates the
   * object while a copy runs can still get that asynchronous error into a gateway thread (Triton's
   * process dies of SIGBUS in that case); registering is an operator's action for such reasons.
   */
  private void requireUntruncated(String who, long end) {
    try {
      if (channel.size() < offset + end) {
        throw truncated(who);
      }
    } catch (IOException e) {
      throw truncated(who);
    }
  }

  /**
   * The client's doing, not the node's: a 400. (Interpreted code gets the fault's InternalError
   * during the copy itself, which read and write turn into this answer too.)
   */
  private ApiException truncated(String who) {
    return ApiException.badRequest(
        who
            + ": shared memory region '"
            + name
            + "' could not be accessed: its object '"
            + key
            + "' was truncated after it was registered; unregister and register it again");
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
