package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaId.Incarnation;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The deployment controller's moves, make-before-break, as plain state and decisions: which
 * incarnation serves each replica slot, which moves are in progress, and which slots rest after an
 * abandoned move. No actors and no clock of its own (callers pass {@code System.nanoTime()}), so
 * every transition is unit-tested.
 *
 * <p>A move starts the slot's next incarnation at the target ({@link #begin}); each round, {@link
 * #progress} finishes it when the new copy is READY (the older copies are to be retired), or
 * abandons it when the new copy FAILED, its target left, or it was not READY within the move
 * timeout (the new copy is to be retired, and the slot is not moved again for the cool-down).
 * Several incarnations of a slot that no move explains (after a controller fail-over, or a
 * remembered old copy restarted by sharding) are settled by {@link Incarnations#resolve}.
 */
final class Moves {
  /** How long a move's new copy may take to become READY (artifact fetch, session, warm-up). */
  private final Duration timeout;

  /** How long a slot whose move was abandoned stays put before it may be moved again. */
  private final Duration cooldown;

  /** A live incarnation to retire, and the reason it is told. */
  record Retirement(ReplicaInfo replica, String reason) {}

  /**
   * What a round decided.
   *
   * @param retire incarnations to retire
   * @param serving slots whose serving incarnation changed, and where it runs now
   * @param finished slots whose move finished in this round
   * @param log what happened, one line per decision, for the controller's log
   * @param warnings abandoned moves, for the log at warning level
   */
  record Outcome(
      List<Retirement> retire,
      Map<ReplicaId, Assignment> serving,
      Set<ReplicaId> finished,
      List<String> log,
      List<String> warnings) {
    static Outcome empty() {
      return new Outcome(
          new ArrayList<>(),
          new HashMap<>(),
          new HashSet<>(),
          new ArrayList<>(),
          new ArrayList<>());
    }
  }

  private final Map<ReplicaId, Integer> generation = new HashMap<>();
  private final Map<ReplicaId, Surge> inProgress = new HashMap<>();
  private final Map<ReplicaId, Long> restingSince = new HashMap<>();

  Moves(Duration timeout, Duration cooldown) {
    this.timeout = timeout;
    this.cooldown = cooldown;
  }

  /** True when no move is in progress (the next rebalancing move may start). */
  boolean idle() {
    return inProgress.isEmpty();
  }

  boolean moving(ReplicaId slot) {
    return inProgress.containsKey(slot);
  }

  /** Entity ids of the new copies being started. */
  Set<String> newCopies() {
    Set<String> ids = new HashSet<>();
    inProgress.values().forEach(s -> ids.add(s.incarnation().entityId()));
    return ids;
  }

  /** The entity id of the incarnation that serves the slot (generation 0 until it first moves). */
  String serving(ReplicaId slot) {
    return slot.incarnation(generation.getOrDefault(slot, 0)).entityId();
  }

  /**
   * Records the generation seen serving a slot the controller had no record of (after a fail-over).
   */
  void learn(ReplicaId slot, int seen) {
    generation.putIfAbsent(slot, seen);
  }

  /**
   * Starts moving the slot to {@code to}: returns the new incarnation to start there, or empty when
   * the slot is already moving or resting after an abandoned move.
   */
  Optional<Incarnation> begin(
      ReplicaId slot, List<ReplicaInfo> live, Assignment to, String why, long now) {
    if (inProgress.containsKey(slot) || resting(slot, now)) {
      return Optional.empty();
    }
    int newest = live.stream().mapToInt(Incarnations::generation).max().orElse(0);
    Incarnation fresh = slot.incarnation(Math.max(generation.getOrDefault(slot, 0), newest) + 1);
    inProgress.put(slot, new Surge(fresh, to, now, why));
    return Optional.of(fresh);
  }

  private boolean resting(ReplicaId slot, long now) {
    Long since = restingSince.get(slot);
    if (since != null && now - since > cooldown.toNanos()) {
      restingSince.remove(slot);
      return false;
    }
    return since != null;
  }

  /**
   * One round: finishes or abandons the moves in progress, then settles slots with several
   * incarnations that no move explains.
   *
   * @param slots the live incarnations of each slot on members that are up ({@link
   *     Incarnations#bySlot})
   * @param members addresses of the members that are up
   */
  Outcome progress(Map<ReplicaId, List<ReplicaInfo>> slots, Set<String> members, long now) {
    Outcome out = Outcome.empty();
    // Slots decided here are not settled again in the same round (their retirements are out).
    Set<ReplicaId> decided = new HashSet<>(inProgress.keySet());
    for (Map.Entry<ReplicaId, Surge> e : List.copyOf(inProgress.entrySet())) {
      ReplicaId slot = e.getKey();
      Surge s = e.getValue();
      List<ReplicaInfo> incarnations = slots.getOrDefault(slot, List.of());
      String newId = s.incarnation().entityId();
      ReplicaInfo fresh =
          incarnations.stream().filter(i -> i.replicaId().equals(newId)).findFirst().orElse(null);
      if (fresh != null && fresh.ready()) {
        for (ReplicaInfo old : incarnations) {
          if (!old.replicaId().equals(newId) && old.state() != ReplicaState.DRAINING) {
            out.retire().add(new Retirement(old, "replaced by " + newId + " on " + s.to()));
          }
        }
        inProgress.remove(slot);
        generation.put(slot, s.incarnation().generation());
        out.serving().put(slot, new Assignment(fresh.node(), fresh.device()));
        out.finished().add(slot);
        out.log()
            .add(
                "Moved replica "
                    + slot
                    + " to "
                    + s.to()
                    + " ("
                    + s.why()
                    + ") in "
                    + (now - s.startedNanos()) / 1_000_000
                    + " ms: "
                    + newId
                    + " is READY, the previous copy drains");
      } else if (fresh != null && fresh.state() == ReplicaState.FAILED) {
        abandon(slot, incarnations, "the new copy failed: " + fresh.reason(), now, out);
      } else if (!members.contains(s.to().nodeAddress())) {
        abandon(slot, incarnations, "its target " + s.to().nodeAddress() + " is gone", now, out);
      } else if (now - s.startedNanos() > timeout.toNanos()) {
        abandon(
            slot,
            incarnations,
            "the new copy was not READY within " + timeout.toSeconds() + " s",
            now,
            out);
      }
    }
    slots.forEach(
        (slot, list) -> {
          if (!inProgress.containsKey(slot) && !decided.contains(slot)) {
            settle(slot, list, now, out);
          }
        });
    return out;
  }

  /**
   * Abandons the moves of slots that no deployment wants any more (their new copies are retired).
   */
  Outcome dropUnwanted(Set<ReplicaId> wanted, Map<ReplicaId, List<ReplicaInfo>> slots, long now) {
    Outcome out = Outcome.empty();
    for (ReplicaId slot : List.copyOf(inProgress.keySet())) {
      if (!wanted.contains(slot)) {
        abandon(
            slot,
            slots.getOrDefault(slot, List.of()),
            "no deployment wants replica " + slot + " any more",
            now,
            out);
      }
    }
    return out;
  }

  private void abandon(
      ReplicaId slot, List<ReplicaInfo> incarnations, String why, long now, Outcome out) {
    Surge s = inProgress.remove(slot);
    String newId = s.incarnation().entityId();
    out.warnings()
        .add(
            "Move of replica "
                + slot
                + " to "
                + s.to()
                + " abandoned ("
                + why
                + "); it stays where it is");
    incarnations.stream()
        .filter(i -> i.replicaId().equals(newId))
        .findFirst()
        .ifPresent(i -> out.retire().add(new Retirement(i, "move abandoned: " + why)));
    restingSince.put(slot, now);
  }

  private void settle(ReplicaId slot, List<ReplicaInfo> list, long now, Outcome out) {
    Incarnations.Resolution res = Incarnations.resolve(list);
    if (res instanceof Incarnations.Resolution.KeepNewest k) {
      out.log()
          .add(
              "Replica "
                  + slot
                  + " has "
                  + list.size()
                  + " incarnations; keeping the newest, "
                  + k.newest().replicaId());
      k.retire()
          .forEach(
              o -> out.retire().add(new Retirement(o, "replaced by " + k.newest().replicaId())));
      generation.put(slot, Incarnations.generation(k.newest()));
      out.serving().put(slot, new Assignment(k.newest().node(), k.newest().device()));
    } else if (res instanceof Incarnations.Resolution.Adopt a) {
      inProgress.put(
          slot,
          new Surge(
              Incarnation.parse(a.newest().replicaId()),
              new Assignment(a.newest().node(), a.newest().device()),
              now,
              "found loading"));
    } else if (res instanceof Incarnations.Resolution.DropNewest d) {
      out.retire()
          .add(new Retirement(d.newest(), "a move to this copy failed: " + d.newest().reason()));
    }
  }
}
