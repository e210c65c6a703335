package io.modelfleet.persistence.artifact;

/**
 * The registry database holds no committed copy of an artifact: it was never published, or the node
 * publishing it has not committed yet (or died before it did, which left nothing behind).
 */
public final class ArtifactNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactNotFoundException(String message) {
    super(message);
  }
}
