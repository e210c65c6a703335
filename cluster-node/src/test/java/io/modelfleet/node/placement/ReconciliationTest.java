package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the deployment controller is told to do, from what it knows. */
class ReconciliationTest {
  private static final String A = "pekko://fleet@10.0.0.1:25520";
  private static final String B = "pekko://fleet@10.0.0.2:25520";

  private static NodeInfo worker(String address) {
    return new NodeInfo(
        address,
        List.of("gateway", "worker"),
        List.of(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false)),
        0);
  }

  private static ModelView model(String name, int replicas) {
    VersionInfo v = new VersionInfo("1", "sha256:x", 1000, List.of(), List.of(), null, "test");
    Map<String, DeploymentSpec> deployments =
        replicas == 0
            ? Map.of()
            : Map.of(
                "1",
                new DeploymentSpec(
                    "1", replicas, DeviceKind.CPU, BatchingSpec.NONE, SessionSpec.DEFAULTS));
    return new ModelView(name, Map.of("1", v), deployments, Map.of());
  }

  private static ReplicaInfo ready(String id, String node) {
    ReplicaId slot = ReplicaId.parse(id);
    return new ReplicaInfo(
        id, slot.model(), slot.version(), node, "cpu", ReplicaState.READY, null, null, 0, 0);
  }

  @Test
  void replicasOfAModelNotYetReadAreNotRetired() {
    // A controller that has just started knows the live replicas before the registry has answered.
    Reconciliation r =
        Reconciliation.compute(
            List.of(),
            List.of(ready("m/1/0", A)),
            List.of(worker(A)),
            Set.of(),
            Set.of(),
            Map.of(),
            1);
    assertEquals(List.of(), r.retire());
  }

  @Test
  void replicasNoDeploymentWantsAreRetired() {
    ReplicaInfo extra = ready("m/1/1", A);
    ReplicaInfo undeployed = ready("n/1/0", A);
    Reconciliation r =
        Reconciliation.compute(
            List.of(model("m", 1), model("n", 0)),
            List.of(ready("m/1/0", A), extra, undeployed),
            List.of(worker(A)),
            Set.of(),
            Set.of(),
            Map.of(),
            1);
    assertEquals(Set.of(extra, undeployed), Set.copyOf(r.retire()));
  }

  @Test
  void aDrainingMembersReplicaIsPlannedElsewhereAndTheMemberIsNotDrainedWhileItHostsIt() {
    Reconciliation r =
        Reconciliation.compute(
            List.of(model("m", 1)),
            List.of(ready("m/1/0", A)),
            List.of(worker(A), worker(B)),
            Set.of(A),
            Set.of(),
            Map.of(),
            1);
    ReplicaId slot = new ReplicaId("m", "1", 0);
    assertEquals(new Assignment(B, "cpu"), r.plan().assignments().get(slot));
    assertEquals(new Assignment(A, "cpu"), r.plan().displaced().get(slot));
    assertEquals(List.of(), r.drained(), "the old copy still runs there");
    Reconciliation after =
        Reconciliation.compute(
            List.of(model("m", 1)),
            List.of(ready("m/1/0/1", B)),
            List.of(worker(A), worker(B)),
            Set.of(A),
            Set.of(),
            Map.of(slot, new Assignment(B, "cpu")),
            1);
    assertEquals(List.of(A), after.drained());
  }

  @Test
  void balancingProposesAMoveOnlyWhenMovesAreAllowed() {
    List<ReplicaInfo> live = List.of(ready("m/1/0", A), ready("m/1/1", A));
    List<NodeInfo> nodes = List.of(worker(A), worker(B));
    Reconciliation allowed =
        Reconciliation.compute(
            List.of(model("m", 2)), live, nodes, Set.of(), Set.of(), Map.of(), 1);
    assertEquals(1, allowed.moves().size());
    assertEquals(B, allowed.moves().get(0).to().nodeAddress());
    Reconciliation held =
        Reconciliation.compute(
            List.of(model("m", 2)), live, nodes, Set.of(), Set.of(), Map.of(), 0);
    assertTrue(held.moves().isEmpty(), "no move while another is in progress");
  }
}
