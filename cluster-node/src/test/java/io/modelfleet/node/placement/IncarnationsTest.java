package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncarnationsTest {
  private static final ReplicaId SLOT = new ReplicaId("m", "1", 0);

  private static ReplicaInfo inc(int generation, String node, String device, ReplicaState state) {
    return new ReplicaInfo(
        SLOT.incarnation(generation).entityId(), "m", "1", node, device, state, null, null, 0, 0);
  }

  @Test
  void incarnationsAreGroupedBySlotOldestFirstAndPlaceholdersAreLeftOut() {
    ReplicaInfo g2 = inc(2, "a", "cpu", ReplicaState.LOADING);
    ReplicaInfo g0 = inc(0, "b", "cpu", ReplicaState.READY);
    ReplicaInfo other =
        new ReplicaInfo("m/1/1", "m", "1", null, null, ReplicaState.PENDING, "no room", null, 0, 0);
    Map<ReplicaId, List<ReplicaInfo>> slots = Incarnations.bySlot(List.of(g2, other, g0));
    assertEquals(Map.of(SLOT, List.of(g0, g2)), slots);
  }

  @Test
  void aReadyNewestIncarnationWinsAndTheOthersAreRetired() {
    ReplicaInfo old = inc(0, "a", "cpu", ReplicaState.READY);
    ReplicaInfo draining = inc(1, "b", "cpu", ReplicaState.DRAINING);
    ReplicaInfo newest = inc(2, "c", "cpu", ReplicaState.READY);
    var r =
        assertInstanceOf(
            Incarnations.Resolution.KeepNewest.class,
            Incarnations.resolve(List.of(old, draining, newest)));
    assertEquals(newest, r.newest());
    assertEquals(List.of(old), r.retire(), "a copy already draining is not retired twice");
  }

  @Test
  void aLoadingNewestIsAMoveInProgressOnceItHasADevice() {
    ReplicaInfo old = inc(0, "a", "cpu", ReplicaState.READY);
    assertInstanceOf(
        Incarnations.Resolution.Adopt.class,
        Incarnations.resolve(List.of(old, inc(1, "b", "sim-gpu:0", ReplicaState.LOADING))));
    assertInstanceOf(
        Incarnations.Resolution.Leave.class,
        Incarnations.resolve(List.of(old, inc(1, "b", null, ReplicaState.LOADING))));
  }

  @Test
  void aFailedNewestIsDroppedOnlyWhileAnOlderOneServes() {
    ReplicaInfo failed = inc(1, "b", "cpu", ReplicaState.FAILED);
    assertInstanceOf(
        Incarnations.Resolution.DropNewest.class,
        Incarnations.resolve(List.of(inc(0, "a", "cpu", ReplicaState.READY), failed)));
    assertInstanceOf(
        Incarnations.Resolution.Leave.class,
        Incarnations.resolve(List.of(inc(0, "a", "cpu", ReplicaState.LOADING), failed)));
  }

  @Test
  void aSingleIncarnationNeedsNothing() {
    assertInstanceOf(
        Incarnations.Resolution.Leave.class,
        Incarnations.resolve(List.of(inc(3, "a", "cpu", ReplicaState.FAILED))));
  }

  @Test
  void theCurrentIncarnationIsTheNewestNotDrainingOneOutsideTheExcludedMoves() {
    ReplicaInfo g0 = inc(0, "a", "cpu", ReplicaState.READY);
    ReplicaInfo g1 = inc(1, "b", "cpu", ReplicaState.DRAINING);
    ReplicaInfo g2 = inc(2, "c", "cpu", ReplicaState.LOADING);
    assertEquals(g2, Incarnations.current(List.of(g0, g1, g2), Set.of()).orElseThrow());
    assertEquals(
        g0, Incarnations.current(List.of(g0, g1, g2), Set.of(g2.replicaId())).orElseThrow());
    assertEquals(g1, Incarnations.current(List.of(g1), Set.of()).orElseThrow());
  }
}
