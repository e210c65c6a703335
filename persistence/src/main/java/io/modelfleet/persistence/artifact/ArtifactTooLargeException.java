package io.modelfleet.persistence.artifact;

/** An upload passed the configured size limit; nothing of it is kept. */
public final class ArtifactTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactTooLargeException(long limit) {
    super(
        "the model file is larger than the limit of "
            + limit
            + " bytes (modelfleet.artifacts.max-upload-size)");
  }
}
