package io.modelfleet.gateway.shm;

import io.modelfleet.gateway.ApiException;

/**
 * A tensor's place in a registered region: the {@code shared_memory_region}, {@code
 * shared_memory_byte_size} and {@code shared_memory_offset} parameters of an input or a requested
 * output (Triton's shared memory extension), the same over HTTP and gRPC.
 *
 * @param region the region's registered name
 * @param byteSize the bytes of the tensor (an input's exact size; an output's room)
 * @param offset where the tensor starts within the region (0 when not given)
 */
public record ShmRef(String region, long byteSize, long offset) {

  public static final String REGION = "shared_memory_region";
  public static final String BYTE_SIZE = "shared_memory_byte_size";
  public static final String OFFSET = "shared_memory_offset";

  /** Whether a parameter name is one of the three. */
  public static boolean isShmParameter(String name) {
    return name.equals(REGION) || name.equals(BYTE_SIZE) || name.equals(OFFSET);
  }

  /**
   * The reference of {@code who} ("input 'x'", "output 'y'") from the parameters it gave, or null
   * when it gave none of them. Triton requires the region and the size together; the offset is
   * optional.
   *
   * @param region null when not given
   * @param byteSize null when not given
   * @param offset null when not given
   * @throws ApiException 400 naming the missing or negative parameter
   */
  public static ShmRef of(String who, String region, Long byteSize, Long offset) {
    if (region == null && byteSize == null && offset == null) {
      return null;
    }
    if (region == null || region.isEmpty()) {
      throw ApiException.badRequest(
          who + ": '" + REGION + "' is required with '" + BYTE_SIZE + "' and '" + OFFSET + "'");
    }
    if (byteSize == null) {
      throw ApiException.badRequest(
          who
              + ": '"
              + BYTE_SIZE
              + "' is required with '"
              + REGION
              + "' (region '"
              + region
              + "')");
    }
    if (byteSize < 0) {
      throw ApiException.badRequest(
          who + ": '" + BYTE_SIZE + "' must not be negative, got " + byteSize);
    }
    long at = offset == null ? 0 : offset;
    if (at < 0) {
      throw ApiException.badRequest(who + ": '" + OFFSET + "' must not be negative, got " + at);
    }
    return new ShmRef(region, byteSize, at);
  }
}
