package io.modelfleet.gateway.grpc;

import io.grpc.Status;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.tensor.TensorFormatException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC status of a failure: the HTTP status mapped as tritonclient maps it back. */
public final class GrpcStatus {

  private static final Logger log = LoggerFactory.getLogger(GrpcStatus.class);

  private GrpcStatus() {}

  /** {@code failure} already unwrapped from completion wrappers. */
  public static Status of(Throwable failure) {
    if (failure instanceof ApiException e) {
      return ofHttp(e.status()).withDescription(e.getMessage());
    }
    // As ErrorHandling answers them over HTTP: 400 and 503.
    if (failure instanceof TensorFormatException e) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    }
    if (failure instanceof TimeoutException) {
      log.warn("gRPC call timed out: {}", failure.toString());
      return Status.UNAVAILABLE.withDescription("the cluster did not answer in time");
    }
    log.error("gRPC call failed", failure);
    return Status.INTERNAL.withDescription("internal error").withCause(failure);
  }

  /** The status code of an HTTP status. */
  public static Status ofHttp(int status) {
    return switch (status) {
      case 400, 422 -> Status.INVALID_ARGUMENT;
      case 401 -> Status.UNAUTHENTICATED;
      case 403 -> Status.PERMISSION_DENIED;
      case 404 -> Status.NOT_FOUND;
      case 409 -> Status.FAILED_PRECONDITION;
      // The client went away (cancelled the call): nobody reads it.
      case 499 -> Status.CANCELLED;
      // 413: larger than a limit (the memory budget, a day's upload quota), as gRPC itself
      // answers a message over the maximum size.
      case 413, 429 -> Status.RESOURCE_EXHAUSTED;
      case 501 -> Status.UNIMPLEMENTED;
      case 503 -> Status.UNAVAILABLE;
      case 504 -> Status.DEADLINE_EXCEEDED;
      default -> Status.INTERNAL;
    };
  }
}
