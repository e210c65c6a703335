package io.modelfleet.node.placement;

import io.modelfleet.node.placement.Action.Log;
import io.modelfleet.node.placement.Snapshot.Standing;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deployment controller's decisions, as plain state and a list of {@link Action}s per round: no
 * actors and no clock (callers pass {@code System.nanoTime()} and the wall clock), so that every
 * rule below is unit-tested and the actor only carries the actions out.
 *
 * <p>Remembers where each slot was placed, the moves in progress ({@link Moves}) and the member
 * clocks ({@link MemberTimings}). A round runs {@link Reconciliation} and then, per desired slot:
 *
 * <pre>
 * the slot                                          action
 * is moving                                         nothing (the move progresses on its own)
 * restarts after its member was removed, not up     Start at the target again, within restart-grace
 * restarts and came up                              RecordLocation where it came up
 * was on a member that is gone                      Start at the target at once (restart; nothing
 *                                                   serves it, so there is nothing to keep)
 * is served and its place changed                   PlaceAndStart a new incarnation at the target
 *                                                   (make-before-break; Moves retires the old one)
 * has a new place                                   PlaceAndStart
 * is where it was                                   Start (keeps it alive)
 * </pre>
 *
 * Then: PENDING entries for replicas that fit nowhere, removal of stale ones, Retire for every
 * incarnation of a slot nobody wants, and Leave for a drained member with nothing left on it.
 */
final class Decisions {
  private final Map<ReplicaId, Assignment> placed = new HashMap<>();
  private final MemberTimings timings;
  private final Moves moves;

  Decisions(ControllerSettings settings) {
    this.timings =
        new MemberTimings(
            settings.settleAfterRemoval(), settings.unknownNodeGrace(), settings.restartGrace());
    this.moves = new Moves(settings.moveTimeout(), settings.moveCooldown());
  }

  /** A member was removed: forget its directory entries so nobody routes or places there. */
  List<Action> memberRemoved(
      String address, Map<String, ReplicaInfo> live, long now, long settleMillis) {
    List<Action> out = forget(address, live);
    timings.removed(address, now);
    out.add(
        Log.info(
            "Member "
                + address
                + " was removed; re-placing its replicas in "
                + settleMillis
                + " ms"));
    return out;
  }

  private static List<Action> forget(String address, Map<String, ReplicaInfo> live) {
    List<Action> out = new ArrayList<>();
    for (ReplicaInfo r : live.values()) {
      if (address.equals(r.node())) {
        out.add(new Action.RemoveReplicaEntry(r.replicaId()));
      }
    }
    out.add(new Action.RemoveNodeEntry(address));
    return out;
  }

  /**
   * One round.
   *
   * @param now {@code System.nanoTime()}, for the graces and moves
   * @param wallMillis the wall clock, stamped on PENDING entries
   */
  List<Action> round(Snapshot s, long now, long wallMillis) {
    List<Action> out = new ArrayList<>();
    Set<String> frozen = timings.settling(now);
    forgetUnknownNodes(s, now, out);
    Set<String> members = new HashSet<>();
    s.members()
        .forEach(
            (address, standing) -> {
              if (standing == Standing.FROZEN) {
                frozen.add(address);
              } else if (standing == Standing.UP) {
                members.add(address);
              }
            });
    List<NodeInfo> workers =
        s.nodes().values().stream().filter(n -> members.contains(n.address())).toList();
    List<ReplicaInfo> liveNow =
        s.live().values().stream()
            .filter(r -> r.state() == ReplicaState.PENDING || members.contains(r.node()))
            .toList();
    Map<ReplicaId, List<ReplicaInfo>> slots = Incarnations.bySlot(liveNow);
    apply(moves.progress(slots, members, now), out);
    Set<String> surging = moves.newCopies();
    // The planner sees one entry per slot: the incarnation that serves it, not a copy being
    // started.
    List<ReplicaInfo> forPlan = new ArrayList<>();
    liveNow.stream()
        .filter(r -> r.state() == ReplicaState.PENDING || r.node() == null)
        .forEach(forPlan::add);
    slots.forEach(
        (slot, list) ->
            Incarnations.current(list, surging)
                .ifPresent(
                    cur -> {
                      forPlan.add(cur);
                      moves.learn(slot, Incarnations.generation(cur));
                    }));
    // One rebalancing move at a time, cluster-wide: the next is planned once the last has finished.
    Reconciliation r =
        Reconciliation.compute(
            s.models(), forPlan, workers, s.draining(), frozen, placed, moves.idle() ? 1 : 0);
    Set<ReplicaId> wanted = new HashSet<>(r.plan().assignments().keySet());
    wanted.addAll(r.plan().pending().keySet());
    apply(moves.dropUnwanted(wanted, slots, now), out);
    Map<ReplicaId, Assignment> target = place(r, frozen, members, slots, s.live(), now, out);
    pending(r, target, slots, s, wallMillis, out);
    retire(r, slots, out);
    leave(r, liveNow, out);
    return out;
  }

  /**
   * Entries of nodes that are not members at all: left behind when a member was removed while no
   * controller was running to see it (the controller was on that member). Removed once the node has
   * been unknown for unknown-node-grace, so that an entry gossiped ahead of its node's membership
   * is never taken for one.
   */
  private void forgetUnknownNodes(Snapshot s, long now, List<Action> out) {
    Set<String> unknown = new HashSet<>();
    s.live()
        .values()
        .forEach(
            r -> {
              if (r.node() != null && !s.members().containsKey(r.node())) {
                unknown.add(r.node());
              }
            });
    s.nodes().keySet().stream().filter(a -> !s.members().containsKey(a)).forEach(unknown::add);
    for (String address : timings.unknownPastGrace(unknown, now)) {
      out.add(
          Log.info("Forgetting the directory entries of " + address + ", which is not a member"));
      out.addAll(forget(address, s.live()));
    }
  }

  /** What the moves decided: retirements, where slots are served now, the log. */
  private void apply(Moves.Outcome o, List<Action> out) {
    o.log().forEach(line -> out.add(Log.info(line)));
    o.warnings().forEach(line -> out.add(Log.warn(line)));
    o.retire().forEach(r -> out.add(new Action.Retire(r.replica(), r.reason())));
    placed.putAll(o.serving());
  }

  /** Starts, places, restarts or moves every desired slot; returns where each is to be. */
  private Map<ReplicaId, Assignment> place(
      Reconciliation r,
      Set<String> frozen,
      Set<String> members,
      Map<ReplicaId, List<ReplicaInfo>> slots,
      Map<String, ReplicaInfo> live,
      long now,
      List<Action> out) {
    Map<ReplicaId, Assignment> target = new HashMap<>(r.plan().assignments());
    Map<ReplicaId, String> why = new HashMap<>();
    r.plan()
        .displaced()
        .forEach((id, from) -> why.put(id, "its place " + from + " is no longer eligible"));
    for (Move move : r.moves()) {
      target.put(move.replica(), move.to());
      why.put(move.replica(), "balance");
    }
    for (Map.Entry<ReplicaId, Assignment> e : target.entrySet()) {
      ReplicaId id = e.getKey();
      Assignment a = e.getValue();
      if (moves.moving(id)) {
        continue;
      }
      String entityId = moves.serving(id);
      Assignment before = placed.get(id);
      if (timings.restarting(id)) {
        ReplicaInfo up = live.get(entityId);
        boolean isUp =
            up != null
                && up.state() != ReplicaState.PENDING
                && up.device() != null
                && members.contains(up.node());
        if (!isUp && timings.inRestartGrace(id, now)) {
          // Wherever sharding is starting it, leave it there; it is placed once it is up.
          out.add(new Action.Start(entityId, a));
          continue;
        }
        timings.restartEnded(id);
        if (isUp) {
          Assignment where = new Assignment(up.node(), up.device());
          placed.put(id, where);
          // The shard is already there; recording it keeps a later member at the dead address from
          // claiming it.
          out.add(new Action.RecordLocation(entityId, where));
          continue;
        }
      }
      boolean serving = slots.containsKey(id);
      if (before != null && !members.contains(before.nodeAddress()) && !a.equals(before)) {
        // Its node is gone, so nothing serves it: no copy to keep alive while a new one loads.
        // Setting a new shard location now would start a hand-off from the dead region, which
        // waits for the hand-off timeout; starting the entity from the target node instead lets
        // sharding start it at once there (the allocation strategy falls back to the asking
        // region), and a later round records wherever it came up.
        out.add(
            Log.info(
                "Restarting replica "
                    + entityId
                    + " of removed member "
                    + before.nodeAddress()
                    + " on "
                    + a.nodeAddress()));
        placed.remove(id);
        timings.restartBegan(id, now);
        out.add(new Action.Count(Action.Counted.FAILOVER));
        out.add(new Action.Start(entityId, a));
      } else if (before != null && !a.equals(before) && serving) {
        // Make-before-break: a new incarnation starts at the target while this one serves.
        String reason = why.getOrDefault(id, "placement changed");
        moves
            .begin(id, slots.get(id), a, reason, now)
            .ifPresent(
                fresh -> {
                  out.add(
                      Log.info(
                          "Moving replica "
                              + id
                              + " from "
                              + before
                              + " to "
                              + a
                              + " ("
                              + reason
                              + "): starting "
                              + fresh
                              + " there first"));
                  out.add(new Action.Count(Action.Counted.MOVE));
                  out.add(new Action.PlaceAndStart(fresh.entityId(), a));
                });
      } else if (!a.equals(before)) {
        out.add(Log.info("Placing replica " + entityId + " on " + a));
        placed.put(id, a);
        out.add(new Action.PlaceAndStart(entityId, a));
      } else {
        out.add(new Action.Start(entityId, a));
      }
    }
    placed.keySet().removeIf(id -> !target.containsKey(id) && !frozenReplica(id, frozen));
    timings.retainRestarting(target.keySet());
    return target;
  }

  private boolean frozenReplica(ReplicaId id, Set<String> frozen) {
    Assignment a = placed.get(id);
    return a != null && frozen.contains(a.nodeAddress());
  }

  /**
   * PENDING entries for replicas that fit nowhere (written when new or their reason changed); stale
   * ones go.
   */
  private static void pending(
      Reconciliation r,
      Map<ReplicaId, Assignment> target,
      Map<ReplicaId, List<ReplicaInfo>> slots,
      Snapshot s,
      long wallMillis,
      List<Action> out) {
    for (Map.Entry<ReplicaId, String> p : r.plan().pending().entrySet()) {
      ReplicaId id = p.getKey();
      ReplicaInfo existing = s.live().get(id.entityId());
      if (!slots.containsKey(id)
          && (existing == null || existing.state() == ReplicaState.PENDING)
          && (existing == null || !p.getValue().equals(existing.reason()))) {
        out.add(
            new Action.PublishPending(
                new ReplicaInfo(
                    id.entityId(),
                    id.model(),
                    id.version(),
                    null,
                    null,
                    ReplicaState.PENDING,
                    p.getValue(),
                    null,
                    wallMillis,
                    footprintOf(id, s.models()))));
      }
    }
    for (ReplicaInfo info : s.live().values()) {
      ReplicaId id = ReplicaId.parse(info.replicaId());
      if (info.state() == ReplicaState.PENDING
          && !r.plan().pending().containsKey(id)
          && !target.containsKey(id)) {
        out.add(new Action.RemoveReplicaEntry(info.replicaId()));
      }
    }
  }

  private static long footprintOf(ReplicaId id, Iterable<ModelView> models) {
    for (ModelView m : models) {
      if (m.name().equals(id.model())) {
        var v = m.versions().get(id.version());
        return v == null ? 0 : Footprint.estimate(v.size());
      }
    }
    return 0;
  }

  /** Every incarnation of an unwanted slot goes, not only the one that stood for it. */
  private static void retire(
      Reconciliation r, Map<ReplicaId, List<ReplicaInfo>> slots, List<Action> out) {
    for (ReplicaInfo info : r.retire()) {
      for (ReplicaInfo inc : slots.getOrDefault(ReplicaId.parse(info.replicaId()), List.of(info))) {
        if (inc.state() != ReplicaState.DRAINING) {
          out.add(new Action.Retire(inc, "no deployment wants replica " + inc.replicaId()));
        }
      }
    }
  }

  /**
   * A drained member leaves, unless an old incarnation still drains its in-flight requests there.
   */
  private static void leave(Reconciliation r, List<ReplicaInfo> liveNow, List<Action> out) {
    for (String address : r.drained()) {
      if (liveNow.stream()
          .anyMatch(i -> address.equals(i.node()) && i.state() != ReplicaState.PENDING)) {
        continue;
      }
      out.add(Log.info("Member " + address + " is drained; asking it to leave"));
      out.add(new Action.Leave(address));
    }
  }
}
