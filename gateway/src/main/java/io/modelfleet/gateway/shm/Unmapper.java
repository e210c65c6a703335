package io.modelfleet.gateway.shm;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases a mapping now rather than when the garbage collector finds its buffer: a client that
 * unregisters a region and unlinks its file expects the memory back, and a node that registers and
 * unregisters regions in a loop must not keep every old mapping until the next full GC. Java 17 has
 * no public call for it; {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, opened to
 * reflection) is the one every mapped-file library uses. Where it is missing, the mapping is left
 * to the collector.
 *
 * <p>Unmapping a buffer that is still read crashes the JVM; {@link ShmRegion} calls this only once
 * no inference holds the region.
 */
final class Unmapper {

  private static final Logger log = LoggerFactory.getLogger(Unmapper.class);

  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method invoke = null;
    try {
      Class<?> type = Class.forName("sun.misc.Unsafe");
      Field field = type.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      invoke = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.info("shared memory regions are unmapped by the garbage collector: {}", e.toString());
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = invoke;
  }

  private Unmapper() {}

  /** Whether mappings are released at once on this JVM. */
  static boolean available() {
    return INVOKE_CLEANER != null;
  }

  static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("could not unmap a shared memory region now: {}", e.toString());
    }
  }
}
