package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Make-before-break moves: a new copy first, the old one retired only once the new one is READY.
 */
class MovesTest {
  private static final String A = "pekko://fleet@10.0.0.1:25520";
  private static final String B = "pekko://fleet@10.0.0.2:25520";
  private static final ReplicaId SLOT = new ReplicaId("m", "1", 0);
  private static final Assignment ON_B = new Assignment(B, "gpu:0");
  private static final long SEC = 1_000_000_000L;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration COOLDOWN = Duration.ofSeconds(60);

  private static ReplicaInfo inc(int generation, String node, ReplicaState state) {
    return new ReplicaInfo(
        SLOT.incarnation(generation).entityId(),
        "m",
        "1",
        node,
        "gpu:0",
        state,
        state == ReplicaState.FAILED ? "cannot open the model" : null,
        null,
        0,
        0);
  }

  private static Map<ReplicaId, List<ReplicaInfo>> slots(ReplicaInfo... live) {
    return Incarnations.bySlot(List.of(live));
  }

  @Test
  void theOldCopyIsRetiredOnlyOnceTheNewOneIsReady() {
    Moves moves = new Moves(TIMEOUT, COOLDOWN);
    ReplicaInfo old = inc(0, A, ReplicaState.READY);
    var fresh = moves.begin(SLOT, List.of(old), ON_B, "balance", 0).orElseThrow();
    assertEquals("m/1/0/1", fresh.entityId());
    assertFalse(moves.idle());
    assertEquals(Set.of("m/1/0/1"), moves.newCopies());

    Moves.Outcome loading =
        moves.progress(slots(old, inc(1, B, ReplicaState.LOADING)), Set.of(A, B), SEC);
    assertTrue(loading.retire().isEmpty(), "nothing is retired while the new copy loads");
    assertTrue(moves.moving(SLOT));

    ReplicaInfo ready = inc(1, B, ReplicaState.READY);
    Moves.Outcome done = moves.progress(slots(old, ready), Set.of(A, B), 2 * SEC);
    assertEquals(
        List.of(new Moves.Retirement(old, "replaced by m/1/0/1 on gpu:0 of " + B)), done.retire());
    assertEquals(Map.of(SLOT, ON_B), done.serving());
    assertTrue(moves.idle());
    assertEquals("m/1/0/1", moves.serving(SLOT));

    // The old copy drains for a while; that is not a duplicate to settle again.
    Moves.Outcome draining =
        moves.progress(slots(inc(0, A, ReplicaState.DRAINING), ready), Set.of(A, B), 3 * SEC);
    assertTrue(draining.retire().isEmpty(), draining.toString());
  }

  @Test
  void aNewCopyThatFailsIsRetiredAndTheSlotRestsBeforeItMovesAgain() {
    Moves moves = new Moves(TIMEOUT, COOLDOWN);
    ReplicaInfo old = inc(0, A, ReplicaState.READY);
    moves.begin(SLOT, List.of(old), ON_B, "balance", 0).orElseThrow();
    ReplicaInfo failed = inc(1, B, ReplicaState.FAILED);
    Moves.Outcome out = moves.progress(slots(old, failed), Set.of(A, B), SEC);
    assertEquals(1, out.retire().size());
    assertEquals(failed, out.retire().get(0).replica(), "the new copy goes, the old one stays");
    assertTrue(out.warnings().get(0).contains("cannot open the model"), out.warnings().toString());
    assertEquals("m/1/0", moves.serving(SLOT));
    assertTrue(moves.begin(SLOT, List.of(old), ON_B, "balance", 2 * SEC).isEmpty(), "resting");
    long later = SEC + COOLDOWN.toNanos() + SEC;
    assertEquals(
        "m/1/0/2",
        moves.begin(SLOT, List.of(old, failed), ON_B, "balance", later).orElseThrow().entityId(),
        "a later attempt takes a generation never used before");
  }

  @Test
  void aMoveIsAbandonedWhenItsTargetLeavesOrItTakesTooLong() {
    Moves gone = new Moves(TIMEOUT, COOLDOWN);
    ReplicaInfo old = inc(0, A, ReplicaState.READY);
    gone.begin(SLOT, List.of(old), ON_B, "drain", 0);
    Moves.Outcome left = gone.progress(slots(old), Set.of(A), SEC);
    assertTrue(
        left.warnings().get(0).contains("target " + B + " is gone"), left.warnings().toString());
    assertTrue(gone.idle());

    Moves slow = new Moves(TIMEOUT, COOLDOWN);
    slow.begin(SLOT, List.of(old), ON_B, "drain", 0);
    ReplicaInfo loading = inc(1, B, ReplicaState.LOADING);
    assertTrue(
        slow.progress(slots(old, loading), Set.of(A, B), TIMEOUT.toNanos() - SEC)
            .warnings()
            .isEmpty());
    Moves.Outcome late =
        slow.progress(
            slots(old, loading), Set.of(A, B), TIMEOUT.plus(Duration.ofSeconds(1)).toNanos());
    assertEquals(List.of(loading), late.retire().stream().map(Moves.Retirement::replica).toList());
  }

  @Test
  void aMoveOfASlotNoLongerWantedIsDropped() {
    Moves moves = new Moves(TIMEOUT, COOLDOWN);
    ReplicaInfo old = inc(0, A, ReplicaState.READY);
    moves.begin(SLOT, List.of(old), ON_B, "balance", 0);
    ReplicaInfo loading = inc(1, B, ReplicaState.LOADING);
    Moves.Outcome out = moves.dropUnwanted(Set.of(), slots(old, loading), SEC);
    assertEquals(List.of(loading), out.retire().stream().map(Moves.Retirement::replica).toList());
    assertTrue(moves.idle());
  }

  @Test
  void afterAFailOverIncarnationsAreSettledFromTheDirectoryAlone() {
    // A new controller knows nothing; the directory shows a move half done.
    Moves moves = new Moves(TIMEOUT, COOLDOWN);
    ReplicaInfo old = inc(2, A, ReplicaState.READY);
    ReplicaInfo loading = inc(3, B, ReplicaState.LOADING);
    moves.learn(SLOT, 2);
    assertTrue(moves.progress(slots(old, loading), Set.of(A, B), 0).retire().isEmpty());
    assertTrue(moves.moving(SLOT), "the loading copy is adopted as a move in progress");
    Moves.Outcome done =
        moves.progress(slots(old, inc(3, B, ReplicaState.READY)), Set.of(A, B), SEC);
    assertEquals(List.of(old), done.retire().stream().map(Moves.Retirement::replica).toList());
    assertEquals("m/1/0/3", moves.serving(SLOT));
  }
}
