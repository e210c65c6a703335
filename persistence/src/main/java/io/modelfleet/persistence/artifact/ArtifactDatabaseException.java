package io.modelfleet.persistence.artifact;

import java.sql.SQLException;

/**
 * The registry database failed a statement while artifact bytes were moved in or out of it
 * (unreachable, out of space, permissions). Unlike {@link ArtifactCorruptException} this says
 * nothing about the bytes, so the same call may succeed later.
 */
public final class ArtifactDatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactDatabaseException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
