package io.modelfleet.persistence.artifact;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which digests of the local store must not be deleted right now, and the per-digest locks that
 * make "place a file" and "delete a file" of one digest take turns.
 *
 * <p>Content addressing means two uploads of the same bytes share one file, so a refused upload may
 * only delete its file when nothing else needs it:
 *
 * <pre>
 * holder                         added                          removed
 * upload in flight (a lease)     when its bytes are placed      when it is kept or discarded
 * registered version (a pin)     when its registration is       never (versions are immutable and
 *                                answered through this node     never deleted)
 * </pre>
 *
 * The orphan collector adds the journal's view (every digest any node registered) on top; see
 * {@link ArtifactStore#sweep}.
 *
 * <p>Locking: {@link #lock} returns one of {@value #STRIPES} monitors chosen by the digest. A
 * placement (rename into {@code sha256/} plus taking the lease) and a deletion (check leases and
 * pins, then unlink) of the same digest both run inside it, so a deletion can never remove a file
 * an upload has just found or placed. Lease counts are guarded by the same monitor.
 */
final class DigestLeases {
  static final int STRIPES = 256;

  private final Object[] stripes = new Object[STRIPES];

  /** Guarded by the digest's stripe. */
  private final Map<String, Integer> leases = new HashMap<>();

  private final Set<String> pinned = ConcurrentHashMap.newKeySet();

  DigestLeases() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  Object lock(String hex) {
    return stripes[Math.floorMod(hex.hashCode(), STRIPES)];
  }

  /** Call with {@link #lock} held. */
  void acquire(String hex) {
    synchronized (leases) {
      leases.merge(hex, 1, Integer::sum);
    }
  }

  /** Call with {@link #lock} held. */
  void release(String hex) {
    synchronized (leases) {
      leases.computeIfPresent(hex, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  boolean leased(String hex) {
    synchronized (leases) {
      return leases.containsKey(hex);
    }
  }

  void pin(String hex) {
    pinned.add(hex);
  }

  boolean pinned(String hex) {
    return pinned.contains(hex);
  }
}
