package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaId.Incarnation;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The live incarnations of every replica slot, read from the replica directory. Pure.
 *
 * <p>A slot has one incarnation, except during a move (the old one serves while the new one loads)
 * and after accidents: a controller that failed over in the middle of a move, or an old incarnation
 * that sharding restarted from remember-entities after its node died while a newer one had already
 * replaced it. {@link #resolve} says what to do with a slot's incarnations when the controller has
 * no move of its own in progress for it; the rule is the same as a move's: the newest generation
 * wins once it is READY.
 */
final class Incarnations {
  private Incarnations() {}

  /** What to do about a slot with more than one live incarnation. */
  sealed interface Resolution {
    /** The newest is READY: it is the replica; retire the others. */
    record KeepNewest(ReplicaInfo newest, List<ReplicaInfo> retire) implements Resolution {}

    /** The newest is still loading: treat it as a move in progress. */
    record Adopt(ReplicaInfo newest) implements Resolution {}

    /** The newest failed while an older one serves: retire the newest. */
    record DropNewest(ReplicaInfo newest) implements Resolution {}

    /** Nothing to decide now (a single incarnation, or the newest is already draining). */
    record Leave() implements Resolution {}
  }

  /** The live, non-placeholder entries of each slot, oldest generation first. */
  static Map<ReplicaId, List<ReplicaInfo>> bySlot(Collection<ReplicaInfo> live) {
    Map<ReplicaId, List<ReplicaInfo>> out = new TreeMap<>(Plan.REPLICA_ORDER);
    for (ReplicaInfo r : live) {
      if (r.state() != ReplicaState.PENDING && r.node() != null) {
        out.computeIfAbsent(ReplicaId.parse(r.replicaId()), k -> new ArrayList<>()).add(r);
      }
    }
    out.values().forEach(l -> l.sort(Comparator.comparingInt(Incarnations::generation)));
    return out;
  }

  static int generation(ReplicaInfo r) {
    return Incarnation.parse(r.replicaId()).generation();
  }

  /** The entry that stands for the slot: the newest that is not draining, else the newest. */
  static Optional<ReplicaInfo> current(List<ReplicaInfo> incarnations, Set<String> excluded) {
    ReplicaInfo best = null;
    for (ReplicaInfo r : incarnations) {
      if (excluded.contains(r.replicaId())) {
        continue;
      }
      if (best == null
          || r.state() != ReplicaState.DRAINING
          || best.state() == ReplicaState.DRAINING) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  static Resolution resolve(List<ReplicaInfo> incarnations) {
    if (incarnations.size() < 2) {
      return new Resolution.Leave();
    }
    ReplicaInfo newest = incarnations.get(incarnations.size() - 1);
    List<ReplicaInfo> older = incarnations.subList(0, incarnations.size() - 1);
    return switch (newest.state()) {
      case READY -> {
        List<ReplicaInfo> retire =
            older.stream().filter(r -> r.state() != ReplicaState.DRAINING).toList();
        yield retire.isEmpty() ? new Resolution.Leave() : new Resolution.KeepNewest(newest, retire);
      }
      // Adopted as a move once it has chosen its device (the move needs a place to be going to).
      case LOADING ->
          newest.device() == null ? new Resolution.Leave() : new Resolution.Adopt(newest);
      case FAILED ->
          older.stream().anyMatch(ReplicaInfo::ready)
              ? new Resolution.DropNewest(newest)
              : new Resolution.Leave();
      default -> new Resolution.Leave();
    };
  }
}
