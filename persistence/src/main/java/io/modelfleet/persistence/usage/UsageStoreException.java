package io.modelfleet.persistence.usage;

/** A usage statement failed; the same call may succeed later (the database may be back). */
public final class UsageStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
