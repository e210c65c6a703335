package io.modelfleet.persistence.artifact;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upload whose bytes are in the store, while the caller decides whether to keep them. It holds a
 * lease on its digest (see {@link DigestLeases}) until {@link #keep} or {@link #discard}, so the
 * orphan collector and other refused uploads of the same bytes leave the file alone meanwhile.
 * Exactly one of the two must be called; the second call of either is ignored.
 */
public final class Received {

  /** What placing the upload's bytes under their digest found. */
  public enum Placement {
    /** No file had the digest: this upload's bytes are the file now. */
    CREATED,
    /**
     * A file with the digest was there and verified (size and hash): the upload's copy was dropped.
     */
    EXISTED,
    /** A file with the digest was there but did not verify: the upload's bytes replaced it. */
    REPAIRED
  }

  private final ArtifactStore store;
  private final StoredArtifact artifact;
  private final Placement placement;
  private final AtomicBoolean ended = new AtomicBoolean();

  Received(ArtifactStore store, StoredArtifact artifact, Placement placement) {
    this.store = store;
    this.artifact = artifact;
    this.placement = placement;
  }

  public StoredArtifact artifact() {
    return artifact;
  }

  public Placement placement() {
    return placement;
  }

  /** The upload was registered (or was already): the file is referenced for good. */
  public void keep() {
    if (ended.compareAndSet(false, true)) {
      store.keep(artifact.digest());
    }
  }

  /**
   * The upload was refused: deletes the file when this upload created it and nothing else needs it
   * (no other upload of the same bytes in flight, no version registered through this node). A file
   * that was there before is left to the orphan collector, which consults the registry.
   */
  public void discard() {
    if (ended.compareAndSet(false, true)) {
      store.discard(artifact.digest(), placement == Placement.CREATED);
    }
  }

  /**
   * Whether the upload was registered is unknown (the registration was sent, but its answer did not
   * arrive: an ask timeout, an entity moving). The registry may well have persisted it, so the file
   * must not be deleted now: the lease ends and the orphan collector, which reads the journal,
   * decides later.
   */
  public void abandon() {
    if (ended.compareAndSet(false, true)) {
      store.discard(artifact.digest(), false);
    }
  }
}
