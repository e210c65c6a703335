package io.modelfleet.gateway.routing;

import static io.modelfleet.gateway.routing.Replicas.ready;
import static io.modelfleet.gateway.routing.Replicas.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

class ReplicaChooserTest {

  /** Returns the given draws in order (each taken modulo the bound it is asked for). */
  private static IntUnaryOperator draws(int... values) {
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    Arrays.stream(values).forEach(queue::add);
    return bound -> Math.floorMod(queue.isEmpty() ? 0 : queue.poll(), bound);
  }

  @Test
  void neverChoosesAReplicaThatIsNotReady() {
    List<ReplicaInfo> replicas =
        List.of(
            replica("m", "1", 0, ReplicaState.LOADING),
            replica("m", "1", 1, ReplicaState.FAILED),
            replica("m", "1", 2, ReplicaState.READY),
            replica("m", "1", 3, ReplicaState.DRAINING));
    ReplicaChooser chooser = new ReplicaChooser();
    for (int i = 0; i < 200; i++) {
      assertEquals("m/1/2", chooser.choose(replicas).replicaId());
    }
  }

  @Test
  void answersNullWhenNothingIsReady() {
    ReplicaChooser chooser = new ReplicaChooser();
    assertNull(chooser.choose(List.of()));
    assertNull(chooser.choose(List.of(replica("m", "1", 0, ReplicaState.LOADING))));
    assertNull(
        chooser.choose(
            List.of(
                replica("m", "1", 0, ReplicaState.LOADING),
                replica("m", "1", 1, ReplicaState.FAILED))));
  }

  @Test
  void ofTheTwoDrawnReplicasTakesTheOneWithFewerRequestsInFlight() {
    List<ReplicaInfo> replicas =
        List.of(ready("m", "1", 0), ready("m", "1", 1), ready("m", "1", 2));
    // Draws 0 then 0 of the remaining two: the pair is replicas 0 and 1.
    ReplicaChooser chooser = new ReplicaChooser(draws(0, 0, 0, 0));
    chooser.acquire("m/1/0");
    chooser.acquire("m/1/0");
    chooser.acquire("m/1/1");
    assertEquals("m/1/1", chooser.choose(replicas).replicaId());

    chooser.release("m/1/0");
    chooser.release("m/1/0");
    assertEquals("m/1/0", chooser.choose(replicas).replicaId());
  }

  @Test
  void spreadsLoadAwayFromABusyReplica() {
    List<ReplicaInfo> replicas =
        List.of(ready("m", "1", 0), ready("m", "1", 1), ready("m", "1", 2), ready("m", "1", 3));
    ReplicaChooser chooser = new ReplicaChooser();
    for (int i = 0; i < 50; i++) {
      chooser.acquire("m/1/3");
    }
    Map<String, Integer> picks = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      picks.merge(chooser.choose(replicas).replicaId(), 1, Integer::sum);
    }
    // The busy replica only wins when it is drawn with itself, which two distinct draws exclude.
    assertNull(picks.get("m/1/3"));
    assertEquals(3, picks.size());
  }

  @Test
  void skipsReplicasTheCallerExcludes() {
    List<ReplicaInfo> replicas =
        List.of(ready("m", "1", 0), ready("m", "1", 1), ready("m", "1", 2));
    ReplicaChooser chooser = new ReplicaChooser();
    for (int i = 0; i < 200; i++) {
      ReplicaInfo r = chooser.choose(replicas, x -> !x.replicaId().equals("m/1/1"));
      assertTrue(Set.of("m/1/0", "m/1/2").contains(r.replicaId()));
    }
    assertNull(chooser.choose(replicas, x -> false));
  }

  @Test
  void countersNeverGoNegativeAndAreForgottenWithTheirReplica() {
    ReplicaChooser chooser = new ReplicaChooser();
    chooser.acquire("m/1/0");
    chooser.release("m/1/0");
    chooser.release("m/1/0");
    assertEquals(0, chooser.inFlight("m/1/0"));
    chooser.acquire("m/1/0");
    chooser.retainOnly(Set.of("m/1/1"));
    assertEquals(0, chooser.inFlight("m/1/0"));
  }

  @Test
  void preferringLocalTakesTheGatewaysOwnReplicaWhileItIsNoBusier() {
    List<ReplicaInfo> replicas =
        List.of(
            replica("m", "1", 0, ReplicaState.READY, "node-b"),
            replica("m", "1", 1, ReplicaState.READY, "node-a"),
            replica("m", "1", 2, ReplicaState.READY, "node-c"));
    ReplicaChooser chooser = ReplicaChooser.preferringLocal("node-a");
    for (int i = 0; i < 200; i++) {
      assertEquals("m/1/1", chooser.choose(replicas).replicaId());
    }
    // Busier than the other candidate: the other one serves.
    chooser.acquire("m/1/1");
    Map<String, Integer> picks = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      picks.merge(chooser.choose(replicas).replicaId(), 1, Integer::sum);
    }
    assertTrue(
        picks.getOrDefault("m/1/0", 0) > 50 && picks.getOrDefault("m/1/2", 0) > 50,
        picks.toString());
    // Only when the draw is the local replica itself does it still win.
    assertTrue(picks.getOrDefault("m/1/1", 0) < 200, picks.toString());
  }

  @Test
  void preferringLocalIgnoresALocalReplicaThatCannotServe() {
    List<ReplicaInfo> replicas =
        List.of(
            replica("m", "1", 0, ReplicaState.READY, "node-b"),
            replica("m", "1", 1, ReplicaState.DRAINING, "node-a"),
            replica("m", "1", 2, ReplicaState.READY, "node-a"));
    ReplicaChooser chooser = ReplicaChooser.preferringLocal("node-a", draws(0, 1, 0, 1));
    assertEquals("m/1/2", chooser.choose(replicas).replicaId());
    assertEquals(
        "m/1/0",
        chooser.choose(replicas, r -> !r.node().equals("node-a")).replicaId(),
        "a local replica on an unreachable node is not taken");
  }

  @Test
  void preferringLocalWithoutALocalReplicaIsPlainTwoChoices() {
    List<ReplicaInfo> replicas =
        List.of(
            replica("m", "1", 0, ReplicaState.READY, "node-b"),
            replica("m", "1", 1, ReplicaState.READY, "node-c"));
    ReplicaChooser chooser = ReplicaChooser.preferringLocal("node-a", draws(0, 0));
    chooser.acquire("m/1/0");
    assertEquals("m/1/1", chooser.choose(replicas).replicaId());
  }
}
