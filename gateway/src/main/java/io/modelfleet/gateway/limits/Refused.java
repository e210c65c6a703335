package io.modelfleet.gateway.limits;

/**
 * A request or upload turned away by a limit, with what the client should see: the status (429, or
 * 413 for an upload that could never fit in a day), how long to wait ({@code Retry-After}, whole
 * seconds, at least 1; 0 when waiting cannot help) and a sentence naming the limit, whose it is
 * (the key's or its tenant's) and which kind. {@link LimitResponses#refused} makes the response.
 */
public record Refused(Scope scope, Kind kind, int status, long retryAfterSeconds, String message)
    implements Admission, UploadAdmission {

  /** Whose limit refused. */
  public enum Scope {
    KEY,
    TENANT
  }

  /** Which limit refused. */
  public enum Kind {
    RATE,
    IN_FLIGHT,
    UPLOAD_BYTES
  }

  public Refused {
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must not be negative");
    }
  }

  /**
   * A wait in nanoseconds as {@code Retry-After} seconds: rounded up, since a client that comes
   * back early is refused again, and at least 1 (the header has no smaller value).
   */
  public static long retryAfterSeconds(long waitNanos) {
    if (waitNanos <= 1_000_000_000L) {
      return 1;
    }
    return (waitNanos - 1) / 1_000_000_000L + 1;
  }
}
