package io.modelfleet.persistence.artifact;

/** A stored artifact is missing or its bytes no longer hash to its digest. */
public final class ArtifactCorruptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactCorruptException(String message) {
    super(message);
  }

  public ArtifactCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
