package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;

/**
 * The file behind a POSIX shared memory key. On Linux {@code shm_open("/k")} opens {@code
 * /dev/shm/k}; tritonclient's {@code create_shared_memory_region} and perf_analyzer create their
 * regions that way. A key is one file name, with or without its leading slash: anything that could
 * leave the directory (another slash, {@code ..}) is refused, because a key is the client's choice
 * of a file for the node to map and write.
 */
public final class ShmKeys {

  /** Longest file name Linux allows (NAME_MAX). */
  static final int MAX_NAME_BYTES = 255;

  private ShmKeys() {}

  /**
   * The file name of {@code key} inside the shared memory directory.
   *
   * @throws ApiException 400 naming the problem when the key is not a plain file name
   */
  public static String fileName(String key) {
    if (key == null || key.isEmpty()) {
      throw ApiException.badRequest("'key' must be a shared memory key such as \"/input0\"");
    }
    String name = key.startsWith("/") ? key.substring(1) : key;
    if (name.isEmpty() || name.equals(".") || name.contains("..")) {
      throw ApiException.badRequest(
          "shared memory key '" + clip(key) + "' is not a file name (no '.' or '..')");
    }
    if (name.indexOf('/') >= 0) {
      throw ApiException.badRequest(
          "shared memory key '"
              + clip(key)
              + "' must not contain '/' after its first character: a key names one file in the"
              + " shared memory directory");
    }
    if (name.indexOf('\0') >= 0 || name.length() > MAX_NAME_BYTES) {
      throw ApiException.badRequest(
          "shared memory key '" + clip(key) + "' is not a valid file name");
    }
    return name;
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
