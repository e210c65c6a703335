package io.modelfleet.ops.observe;

/**
 * Why an inference failed, in the words of the {@code reason} label of Triton's {@code
 * nv_inference_request_failure}: REJECTED (turned away before it ran: queue full, queue timeout,
 * replica going away), CANCELED (its client went away), BACKEND (the runtime failed while running
 * it) and OTHER (anything else, such as a request that does not fit the model).
 */
public enum FailureReason {
  REJECTED,
  CANCELED,
  BACKEND,
  OTHER;

  /** The reason of a failure the replica answered with HTTP status {@code status}. */
  public static FailureReason ofStatus(int status) {
    return switch (status) {
      case 503, 504, 429 -> REJECTED;
      case 499 -> CANCELED;
      case 500 -> BACKEND;
      default -> OTHER;
    };
  }
}
