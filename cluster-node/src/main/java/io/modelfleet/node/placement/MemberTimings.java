package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deployment controller's clocks about members, as plain state: callers pass the time ({@code
 * System.nanoTime()}), so every grace is unit-tested.
 *
 * <pre>
 * clock           starts when                        while it runs                  ends
 * removed-at      a member is removed                its replicas stay frozen       after settle-after-removal
 *                                                    (not placed again)
 * unknown-since   a directory names a node that is   nothing                        past unknown-node-grace: its
 *                 no member at all                                                  entries are forgotten
 * restarting      a replica of a removed member is   it is started on its target    it is up, or restart-grace
 *                 restarted on its target            again each round, not placed   passed: placed as usual
 * </pre>
 */
final class MemberTimings {
  private final Duration settleAfterRemoval;
  private final Duration unknownGrace;
  private final Duration restartGrace;
  private final Map<String, Long> removedAt = new HashMap<>();
  private final Map<String, Long> unknownSince = new HashMap<>();
  private final Map<ReplicaId, Long> restarting = new HashMap<>();

  MemberTimings(Duration settleAfterRemoval, Duration unknownGrace, Duration restartGrace) {
    this.settleAfterRemoval = settleAfterRemoval;
    this.unknownGrace = unknownGrace;
    this.restartGrace = restartGrace;
  }

  /** A member was removed from the cluster. */
  void removed(String address, long now) {
    removedAt.put(address, now);
  }

  /**
   * Members removed less than settle-after-removal ago (their replicas wait); forgets the older
   * ones.
   */
  Set<String> settling(long now) {
    removedAt.values().removeIf(t -> now - t > settleAfterRemoval.toNanos());
    return new HashSet<>(removedAt.keySet());
  }

  /**
   * Takes the nodes that directories name but that are not members, and returns those unknown for
   * longer than unknown-node-grace (their clocks end; the caller forgets their entries). Nodes no
   * longer unknown lose their clocks.
   */
  List<String> unknownPastGrace(Collection<String> unknown, long now) {
    unknownSince.keySet().retainAll(Set.copyOf(unknown));
    List<String> past = new ArrayList<>();
    for (String address : unknown) {
      long since = unknownSince.computeIfAbsent(address, a -> now);
      if (now - since > unknownGrace.toNanos()) {
        past.add(address);
        unknownSince.remove(address);
      }
    }
    return past;
  }

  /** A replica of a removed member was restarted on its target. */
  void restartBegan(ReplicaId slot, long now) {
    restarting.put(slot, now);
  }

  boolean restarting(ReplicaId slot) {
    return restarting.containsKey(slot);
  }

  /** True while the slot restarts and its grace has not run out. */
  boolean inRestartGrace(ReplicaId slot, long now) {
    Long since = restarting.get(slot);
    return since != null && now - since < restartGrace.toNanos();
  }

  /** The restart is over: it came up, or its grace ran out. */
  void restartEnded(ReplicaId slot) {
    restarting.remove(slot);
  }

  /** Forgets the restarts of slots nobody wants any more. */
  void retainRestarting(Set<ReplicaId> wanted) {
    restarting.keySet().retainAll(wanted);
  }
}
