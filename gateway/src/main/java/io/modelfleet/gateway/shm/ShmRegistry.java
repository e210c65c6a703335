package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The system shared memory regions registered on this node (Triton's {@code systemsharedmemory}
 * extension): region names are per server, as in Triton, so each node's gateway has its own, and a
 * client uses the node it shares a host with.
 *
 * <p>Registering opens the file behind the key ({@link ShmKeys}) without following links, checks
 * that {@code offset + byte_size} fits in it, and maps that range read-write once; inferences then
 * only copy ({@link ShmTensors}). The number of regions and their mapped bytes are bounded ({@link
 * ShmSettings}). Mutations take one lock (they are rare operator actions, run on {@code blocking},
 * never on the transport's threads: opening a file is I/O); inferences look regions up in a
 * concurrent map without it.
 */
public final class ShmRegistry {

  private final ShmSettings settings;
  private final Executor blocking;
  private final Map<String, ShmRegion> regions = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private long mappedBytes;

  /**
   * @param blocking where registration's file I/O runs
   */
  public ShmRegistry(ShmSettings settings, Executor blocking) {
    this.settings = settings;
    this.blocking = blocking;
  }

  /** As {@link #register}, on the blocking executor. */
  public CompletionStage<ShmRegion> registerAsync(
      String name, String key, long offset, long byteSize) {
    return CompletableFuture.supplyAsync(() -> register(name, key, offset, byteSize), blocking);
  }

  /**
   * Maps {@code byteSize} bytes at {@code offset} of the object {@code key} as region {@code name}.
   *
   * @throws ApiException 400 naming the problem: a name already registered, a bad key, a missing
   *     file, a range outside it, or a bound reached
   */
  public ShmRegion register(String name, String key, long offset, long byteSize) {
    if (name == null || name.isEmpty()) {
      throw ApiException.badRequest("a shared memory region needs a name");
    }
    String file = ShmKeys.fileName(key);
    if (offset < 0) {
      throw ApiException.badRequest("'offset' must not be negative, got " + offset);
    }
    if (byteSize <= 0 || byteSize > Integer.MAX_VALUE) {
      throw ApiException.badRequest(
          "'byte_size' must be from 1 to "
              + Integer.MAX_VALUE
              + " (one region maps at most 2 GiB), got "
              + byteSize);
    }
    synchronized (lock) {
      if (regions.containsKey(name)) {
        throw ApiException.badRequest(
            "shared memory region '"
                + name
                + "' is already registered; unregister it first or choose another name");
      }
      if (regions.size() >= settings.maxRegions()) {
        throw ApiException.badRequest(
            "this node already has "
                + regions.size()
                + " shared memory regions, its limit"
                + " (modelfleet.gateway.shared-memory.max-regions); unregister one first");
      }
      if (mappedBytes + byteSize > settings.maxMappedBytes()) {
        throw ApiException.badRequest(
            "registering "
                + byteSize
                + " more bytes would map "
                + (mappedBytes + byteSize)
                + " bytes of shared memory on this node, more than "
                + settings.maxMappedBytes()
                + " (modelfleet.gateway.shared-memory.max-mapped-bytes)");
      }
      ShmRegion region = map(name, key, file, offset, byteSize);
      regions.put(name, region);
      mappedBytes += byteSize;
      return region;
    }
  }

  private ShmRegion map(String name, String key, String file, long offset, long byteSize) {
    Path path = settings.directory().resolve(file);
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw ApiException.badRequest(
          "no shared memory object with key '"
              + key
              + "' on this node (no regular file "
              + path
              + "); create it first, on the host of the node you call");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      long size = channel.size();
      if (offset > size || byteSize > size - offset) {
        throw ApiException.badRequest(
            "shared memory object '"
                + key
                + "' has "
                + size
                + " bytes, but offset "
                + offset
                + " + byte_size "
                + byteSize
                + " = "
                + (offset + byteSize));
      }
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, offset, byteSize);
      ShmRegion region = new ShmRegion(name, key, offset, (int) byteSize, buffer, channel);
      channel = null;
      return region;
    } catch (NoSuchFileException e) {
      throw ApiException.badRequest("no shared memory object with key '" + key + "' on this node");
    } catch (IOException e) {
      throw ApiException.badRequest(
          "shared memory object '" + key + "' could not be mapped read-write: " + e);
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Only a failed registration's channel: nothing was written through it.
      }
    }
  }

  /**
   * Unregisters {@code name}, or every region when null. A name that is not registered is not an
   * error (Triton's unregister is idempotent). A region's mapping goes once no inference uses it.
   */
  public void unregister(String name) {
    synchronized (lock) {
      List<String> names = name == null ? List.copyOf(regions.keySet()) : List.of(name);
      for (String n : names) {
        ShmRegion region = regions.remove(n);
        if (region != null) {
          mappedBytes -= region.byteSize();
          region.close();
        }
      }
    }
  }

  /**
   * The registered regions by name, or only {@code name}.
   *
   * @throws ApiException 404 when {@code name} is given and not registered
   */
  public List<ShmRegion> status(String name) {
    if (name != null) {
      ShmRegion region = regions.get(name);
      if (region == null) {
        throw ApiException.notFound(notRegistered(name));
      }
      return List.of(region);
    }
    List<ShmRegion> all = new ArrayList<>(regions.values());
    all.sort(Comparator.comparing(ShmRegion::name));
    return all;
  }

  /** The bytes all registered regions map together. */
  public long mappedBytes() {
    synchronized (lock) {
      return mappedBytes;
    }
  }

  /** The region, or null. */
  ShmRegion find(String name) {
    return regions.get(name);
  }

  static String notRegistered(String name) {
    return "shared memory region '" + name + "' is not registered on this node";
  }
}
