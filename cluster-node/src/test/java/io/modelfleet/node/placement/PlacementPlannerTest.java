package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.replica.ReplicaId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Placement on simulated inventories: which node and device each replica gets, and why not. */
class PlacementPlannerTest {
  private static final long GIB = 1L << 30;
  private static final String A = "pekko://fleet@10.0.0.1:25520";
  private static final String B = "pekko://fleet@10.0.0.2:25520";
  private static final String C = "pekko://fleet@10.0.0.3:25520";

  // ---- inventories

  /** A worker (and gateway) with a CPU and {@code gpus} simulated GPUs of {@code gib} GiB each. */
  private static NodeInfo worker(String address, int gpus, long gib) {
    List<DeviceInfo> devices = new ArrayList<>();
    devices.add(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false));
    for (int i = 0; i < gpus; i++) {
      devices.add(
          new DeviceInfo(
              "sim-gpu:" + i, "gpu", "simulated GPU", "SIM-" + i, gib * GIB, gib * GIB, -1, true));
    }
    return new NodeInfo(address, List.of("gateway", "worker"), devices, 0);
  }

  private static Map<ReplicaId, ReplicaRequest> replicas(
      String model, String version, int count, DeviceKind kind, long bytes) {
    Map<ReplicaId, ReplicaRequest> m = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      m.put(new ReplicaId(model, version, i), new ReplicaRequest(kind, bytes));
    }
    return m;
  }

  private static Plan plan(List<NodeInfo> nodes, Map<ReplicaId, ReplicaRequest> desired) {
    return PlacementPlanner.plan(nodes, Set.of(), desired, Map.of());
  }

  private static Map<String, Long> perNode(Map<ReplicaId, Assignment> assignments) {
    return assignments.values().stream()
        .collect(
            Collectors.groupingBy(Assignment::nodeAddress, TreeMap::new, Collectors.counting()));
  }

  private static ReplicaId id(String s) {
    return ReplicaId.parse(s);
  }

  // ---- spreading and packing

  @Test
  void fourReplicasOfOneVersionSpreadTwoAndTwoOverTwoNodesEachOnAGpu() {
    var plan =
        plan(
            List.of(worker(A, 2, 16), worker(B, 2, 16)),
            replicas("resnet", "1", 4, DeviceKind.AUTO, 2 * GIB));

    assertEquals(Map.of(), plan.pending());
    assertEquals(Map.of(A, 2L, B, 2L), perNode(plan.assignments()));
    plan.assignments()
        .values()
        .forEach(a -> assertTrue(a.deviceId().startsWith("sim-gpu:"), a + " is not a GPU"));
    assertNotEquals(
        plan.assignments().get(id("resnet/1/0")).nodeAddress(),
        plan.assignments().get(id("resnet/1/1")).nodeAddress(),
        "the first two replicas go to different nodes");
  }

  @Test
  void bestFitPacksSixWithTenAndLeavesTheOtherSixAlone() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.put(id("small/1/0"), new ReplicaRequest(DeviceKind.GPU, 6 * GIB));
    desired.put(id("small/1/1"), new ReplicaRequest(DeviceKind.GPU, 6 * GIB));
    desired.put(id("large/1/0"), new ReplicaRequest(DeviceKind.GPU, 10 * GIB));

    var plan = plan(List.of(worker(A, 2, 16)), desired);

    assertEquals(Map.of(), plan.pending());
    Map<String, Long> usedPerGpu = new TreeMap<>();
    plan.assignments()
        .forEach(
            (r, a) -> usedPerGpu.merge(a.deviceId(), desired.get(r).footprintBytes(), Long::sum));
    assertEquals(Map.of("sim-gpu:0", 16 * GIB, "sim-gpu:1", 6 * GIB), usedPerGpu);
    assertEquals(new Assignment(A, "sim-gpu:0"), plan.assignments().get(id("large/1/0")));
  }

  @Test
  void aReplicaLargerThanAnyGpuIsPendingWithASentenceNamingTheSizes() {
    var plan =
        plan(
            List.of(worker(A, 2, 16), worker(B, 1, 16)),
            replicas("llm", "7", 1, DeviceKind.GPU, 20 * GIB));

    assertEquals(Map.of(), plan.assignments());
    assertEquals(
        "no worker has a GPU with 20.0 GiB free for llm/7/0 (largest free: 16.0 GiB on sim-gpu:0 of "
            + A
            + ")",
        plan.pending().get(id("llm/7/0")));
  }

  @Test
  void theLargestFreeInAReasonCountsWhatThisPlanAlreadyPutThere() {
    Map<ReplicaId, ReplicaRequest> desired =
        new LinkedHashMap<>(replicas("big", "1", 2, DeviceKind.GPU, 12 * GIB));
    desired.put(id("other/1/0"), new ReplicaRequest(DeviceKind.GPU, 6 * GIB));

    var plan = plan(List.of(worker(A, 1, 16), worker(B, 1, 16)), desired);

    assertEquals(Set.of(id("big/1/0"), id("big/1/1")), plan.assignments().keySet());
    assertEquals(
        "no worker has a GPU with 6.0 GiB free for other/1/0 (largest free: 4.0 GiB on sim-gpu:0 of "
            + A
            + ")",
        plan.pending().get(id("other/1/0")));
  }

  @Test
  void autoFallsBackToTheCpuWhenTheGpusAreFull() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.put(id("auto/1/0"), new ReplicaRequest(DeviceKind.AUTO, 8 * GIB));
    desired.put(id("big/1/0"), new ReplicaRequest(DeviceKind.GPU, 12 * GIB));

    var plan = plan(List.of(worker(A, 1, 16)), desired);

    assertEquals(Map.of(), plan.pending());
    assertEquals(
        new Assignment(A, "sim-gpu:0"),
        plan.assignments().get(id("big/1/0")),
        "GPU-only replicas are placed first");
    assertEquals(new Assignment(A, "cpu"), plan.assignments().get(id("auto/1/0")));
  }

  @Test
  void cpuReplicasGoToTheCpuEvenWhenAGpuIsFreeAndSpreadAcrossNodes() {
    var plan =
        plan(
            List.of(worker(A, 2, 16), worker(B, 0, 0)),
            replicas("bert", "2", 4, DeviceKind.CPU, GIB));

    assertEquals(Map.of(A, 2L, B, 2L), perNode(plan.assignments()));
    plan.assignments().values().forEach(a -> assertEquals("cpu", a.deviceId()));
  }

  @Test
  void gpuOnlyWithoutAnyGpuIsPendingWhileAutoRunsOnTheCpu() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.put(id("vit/1/0"), new ReplicaRequest(DeviceKind.GPU, 2 * GIB));
    desired.put(id("vit/2/0"), new ReplicaRequest(DeviceKind.AUTO, 2 * GIB));

    var plan = plan(List.of(worker(A, 0, 0), worker(B, 0, 0)), desired);

    assertEquals(Map.of(id("vit/2/0"), new Assignment(A, "cpu")), plan.assignments());
    assertEquals(
        "no worker has a GPU for vit/1/0, which needs 2.0 GiB (none of the 2 eligible workers has one)",
        plan.pending().get(id("vit/1/0")));
  }

  @Test
  void withoutAnyWorkerEveryReplicaIsPendingWithAReason() {
    var gatewayOnly = new NodeInfo(A, List.of("gateway"), worker(A, 2, 16).devices(), 0);
    var plan =
        PlacementPlanner.plan(
            List.of(gatewayOnly, worker(B, 2, 16)),
            Set.of(B),
            replicas("resnet", "1", 2, DeviceKind.AUTO, GIB),
            Map.of());

    assertEquals(Map.of(), plan.assignments());
    assertEquals(2, plan.pending().size());
    assertEquals(
        "no worker can host resnet/1/0: none of the 2 nodes in the directory is a worker that is not draining (1 draining)",
        plan.pending().get(id("resnet/1/0")));
  }

  @Test
  void keptReplicasCountAgainstTheGpuBudget() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.put(id("old/1/0"), new ReplicaRequest(DeviceKind.GPU, 10 * GIB));
    desired.put(id("new/1/0"), new ReplicaRequest(DeviceKind.GPU, 10 * GIB));

    var plan =
        PlacementPlanner.plan(
            List.of(worker(A, 1, 16)),
            Set.of(),
            desired,
            Map.of(id("old/1/0"), new Assignment(A, "sim-gpu:0")));

    assertEquals(Map.of(id("old/1/0"), new Assignment(A, "sim-gpu:0")), plan.assignments());
    assertTrue(
        plan.pending().get(id("new/1/0")).contains("largest free: 6.0 GiB on sim-gpu:0"),
        plan.pending().toString());
  }

  // ---- stability, drain and node loss

  @Test
  void addingANodeMovesNothingButRebalanceProposesMovesToIt() {
    var desired = replicas("resnet", "1", 4, DeviceKind.GPU, 4 * GIB);
    var before = plan(List.of(worker(A, 2, 16), worker(B, 2, 16)), desired);

    var threeNodes = List.of(worker(A, 2, 16), worker(B, 2, 16), worker(C, 2, 16));
    var after = PlacementPlanner.plan(threeNodes, Set.of(), desired, before.assignments());
    assertEquals(before.assignments(), after.assignments());
    assertEquals(Map.of(), after.displaced());

    List<Move> moves = PlacementPlanner.rebalance(threeNodes, Set.of(), desired, after, 10);
    assertEquals(1, moves.size(), "2+2+0 needs one move to become 1+2+1 or 2+1+1: " + moves);
    Move move = moves.get(0);
    assertEquals(C, move.to().nodeAddress());
    assertTrue(move.to().deviceId().startsWith("sim-gpu:"));
    assertEquals(after.assignments().get(move.replica()), move.from());
  }

  @Test
  void rebalanceProposesAtMostTheMovesAskedAndEvensOutGivenEnough() {
    var desired = replicas("resnet", "1", 4, DeviceKind.AUTO, 4 * GIB);
    var allOnA = plan(List.of(worker(A, 2, 16)), desired);
    var twoNodes = List.of(worker(A, 2, 16), worker(B, 2, 16));
    var stable = PlacementPlanner.plan(twoNodes, Set.of(), desired, allOnA.assignments());
    assertEquals(Map.of(A, 4L), perNode(stable.assignments()));

    assertEquals(List.of(), PlacementPlanner.rebalance(twoNodes, Set.of(), desired, stable, 0));
    assertEquals(1, PlacementPlanner.rebalance(twoNodes, Set.of(), desired, stable, 1).size());

    List<Move> moves = PlacementPlanner.rebalance(twoNodes, Set.of(), desired, stable, 10);
    assertEquals(2, moves.size(), moves.toString());
    Map<ReplicaId, Assignment> applied = new HashMap<>(stable.assignments());
    moves.forEach(m -> applied.put(m.replica(), m.to()));
    assertEquals(Map.of(A, 2L, B, 2L), perNode(applied));
    assertEquals(
        2,
        moves.stream().map(Move::replica).distinct().count(),
        "no replica moves twice in a batch");
  }

  @Test
  void rebalanceEvensOutTotalsAcrossVersionsWithoutBunchingAVersion() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    for (String model : List.of("a", "b", "c", "d")) {
      desired.putAll(replicas(model, "1", 1, DeviceKind.CPU, GIB));
    }
    var stable =
        PlacementPlanner.plan(
            List.of(worker(A, 0, 0), worker(B, 0, 0)),
            Set.of(),
            desired,
            desired.keySet().stream()
                .collect(Collectors.toMap(r -> r, r -> new Assignment(A, "cpu"))));

    List<Move> moves =
        PlacementPlanner.rebalance(
            List.of(worker(A, 0, 0), worker(B, 0, 0)), Set.of(), desired, stable, 10);

    assertEquals(2, moves.size(), moves.toString());
    moves.forEach(m -> assertEquals(new Assignment(B, "cpu"), m.to()));
  }

  @Test
  void rebalanceRespectsGpuMemoryOnTheTarget() {
    var desired = new LinkedHashMap<>(replicas("resnet", "1", 4, DeviceKind.GPU, 4 * GIB));
    var nodes = List.of(worker(A, 2, 16), worker(B, 1, 2));
    var stable =
        PlacementPlanner.plan(
            nodes, Set.of(), desired, plan(List.of(worker(A, 2, 16)), desired).assignments());

    assertEquals(
        List.of(),
        PlacementPlanner.rebalance(nodes, Set.of(), desired, stable, 10),
        "B's 2 GiB GPU cannot take a 4 GiB replica, and GPU replicas do not move to a CPU");
  }

  @Test
  void aDrainingNodesReplicasAreReplannedOntoTheOthers() {
    var nodes = List.of(worker(A, 2, 16), worker(B, 2, 16), worker(C, 2, 16));
    var desired = replicas("resnet", "1", 6, DeviceKind.GPU, 4 * GIB);
    var before = plan(nodes, desired);
    assertEquals(Map.of(A, 2L, B, 2L, C, 2L), perNode(before.assignments()));

    var after = PlacementPlanner.plan(nodes, Set.of(A), desired, before.assignments());

    assertReplannedAwayFrom(A, before, after);
  }

  @Test
  void aDeadNodesReplicasAreReplannedOntoTheOthers() {
    var desired = replicas("resnet", "1", 6, DeviceKind.GPU, 4 * GIB);
    var before = plan(List.of(worker(A, 2, 16), worker(B, 2, 16), worker(C, 2, 16)), desired);

    var after =
        PlacementPlanner.plan(
            List.of(worker(B, 2, 16), worker(C, 2, 16)), Set.of(), desired, before.assignments());

    assertReplannedAwayFrom(A, before, after);
  }

  private static void assertReplannedAwayFrom(String gone, Plan before, Plan after) {
    assertEquals(Map.of(), after.pending());
    assertEquals(Map.of(B, 3L, C, 3L), perNode(after.assignments()));
    before
        .assignments()
        .forEach(
            (r, a) -> {
              if (a.nodeAddress().equals(gone)) {
                assertEquals(
                    a,
                    after.displaced().get(r),
                    "the old place is reported so the controller can retire it");
              } else {
                assertEquals(a, after.assignments().get(r), r + " on a healthy node stays put");
              }
            });
    assertEquals(2, after.displaced().size());
  }

  @Test
  void aReplicaWhoseDeviceVanishedOrWhoseKindChangedIsReplanned() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.put(id("a/1/0"), new ReplicaRequest(DeviceKind.GPU, GIB));
    desired.put(id("b/1/0"), new ReplicaRequest(DeviceKind.CPU, GIB));
    Map<ReplicaId, Assignment> current =
        Map.of(
            id("a/1/0"), new Assignment(A, "sim-gpu:3"),
            id("b/1/0"), new Assignment(A, "sim-gpu:0"));

    var plan = PlacementPlanner.plan(List.of(worker(A, 2, 16)), Set.of(), desired, current);

    assertEquals(new Assignment(A, "sim-gpu:0"), plan.assignments().get(id("a/1/0")));
    assertEquals(new Assignment(A, "cpu"), plan.assignments().get(id("b/1/0")));
    assertEquals(current, plan.displaced());
  }

  // ---- determinism and the footprint estimate

  @Test
  void theSameInputInAnyOrderGivesTheSamePlanAndMoves() {
    Map<ReplicaId, ReplicaRequest> desired = new LinkedHashMap<>();
    desired.putAll(replicas("resnet", "1", 5, DeviceKind.AUTO, 5 * GIB));
    desired.putAll(replicas("bert", "3", 3, DeviceKind.GPU, 7 * GIB));
    desired.putAll(replicas("tiny", "1", 4, DeviceKind.CPU, GIB));
    // Everything ran on A alone, one replica on a node that has since died: the plan keeps A's,
    // re-places the dead node's, and rebalance has work to do.
    Map<ReplicaId, Assignment> current =
        new HashMap<>(plan(List.of(worker(A, 2, 32)), desired).assignments());
    current.put(id("resnet/1/4"), new Assignment("pekko://fleet@10.0.0.9:25520", "sim-gpu:0"));
    List<NodeInfo> nodes = List.of(worker(A, 2, 32), worker(B, 1, 24), worker(C, 3, 8));
    Plan reference = PlacementPlanner.plan(nodes, Set.of(), desired, current);
    List<Move> referenceMoves = PlacementPlanner.rebalance(nodes, Set.of(), desired, reference, 5);
    assertEquals(1, reference.displaced().size());
    assertEquals(5, referenceMoves.size(), referenceMoves.toString());

    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      List<NodeInfo> shuffledNodes = new ArrayList<>();
      for (NodeInfo n : nodes) {
        List<DeviceInfo> devices = new ArrayList<>(n.devices());
        Collections.shuffle(devices, random);
        shuffledNodes.add(new NodeInfo(n.address(), n.roles(), devices, n.updatedAtMillis()));
      }
      Collections.shuffle(shuffledNodes, random);
      List<ReplicaId> keys = new ArrayList<>(desired.keySet());
      Collections.shuffle(keys, random);
      Map<ReplicaId, ReplicaRequest> shuffledDesired = new LinkedHashMap<>();
      keys.forEach(k -> shuffledDesired.put(k, desired.get(k)));

      Map<ReplicaId, Assignment> shuffledCurrent = new LinkedHashMap<>();
      keys.forEach(k -> shuffledCurrent.put(k, current.get(k)));
      Plan again = PlacementPlanner.plan(shuffledNodes, Set.of(), shuffledDesired, shuffledCurrent);
      assertEquals(reference, again);
      assertEquals(reference.toString(), again.toString());
      assertEquals(
          referenceMoves,
          PlacementPlanner.rebalance(shuffledNodes, Set.of(), shuffledDesired, again, 5));
    }
  }

  @Test
  void footprintIsOneAndAHalfTimesTheArtifactWithAFloor() {
    assertEquals(6 * GIB, Footprint.estimate(4 * GIB));
    assertEquals(Footprint.MIN_BYTES, Footprint.estimate(10_000));
    assertEquals(Long.MAX_VALUE, Footprint.estimate(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> Footprint.estimate(-1));
  }
}
