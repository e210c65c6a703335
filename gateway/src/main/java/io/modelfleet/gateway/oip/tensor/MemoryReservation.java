package io.modelfleet.gateway.oip.tensor;

/**
 * Asked before the tensor parser allocates a decoded buffer, so that the caller can bound the
 * memory that requests in flight hold together. It refuses by throwing (the gateway throws its own
 * 503/413 answer); the parser lets the exception through unchanged.
 */
@FunctionalInterface
public interface MemoryReservation {

  /** No bound: unit tests and callers that already know the input is small. */
  MemoryReservation NONE = (who, bytes) -> {};

  /**
   * Reserves {@code bytes} more for the input {@code who} ("input 'x'").
   *
   * @throws RuntimeException to refuse; the request is then abandoned
   */
  void reserve(String who, long bytes);
}
