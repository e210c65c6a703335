package io.modelfleet.gateway;

/**
 * A failure whose HTTP status and client-facing sentence are already known. Routes throw it (or
 * fail a future with it) and {@link ErrorHandling} turns it into {@code {"error": message}}. It
 * carries no stack trace: it is an answer, not a bug report.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }
}
