package io.modelfleet.gateway.routing;

import static io.modelfleet.gateway.routing.Replicas.ready;
import static io.modelfleet.gateway.routing.Replicas.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

  @Test
  void defaultVersionIsTheHighestWithAReadyReplicaInNumericOrder() {
    RoutingTable table =
        RoutingTable.of(
            List.of(
                ready("m", "9", 0),
                ready("m", "10", 0),
                replica("m", "11", 0, ReplicaState.LOADING),
                ready("m", "2", 0)));
    assertEquals("10", table.defaultVersion("m"));
  }

  @Test
  void noDefaultVersionWithoutReadyReplicas() {
    RoutingTable table = RoutingTable.of(List.of(replica("m", "1", 0, ReplicaState.FAILED)));
    assertNull(table.defaultVersion("m"));
    assertNull(table.defaultVersion("unknown"));
  }

  @Test
  void readyListsOnlyReadyReplicasOfThatVersion() {
    RoutingTable table =
        RoutingTable.of(
            List.of(
                ready("m", "1", 1),
                replica("m", "1", 0, ReplicaState.LOADING),
                ready("m", "1", 2),
                ready("m", "2", 0),
                ready("other", "1", 0)));
    assertEquals(List.of("m/1/1", "m/1/2"), ids(table.ready("m", "1")));
    assertEquals(List.of("m/1/0", "m/1/1", "m/1/2", "m/2/0"), ids(table.replicas("m")));
    assertEquals(3, table.readyCount("m"));
    assertEquals(List.of(), table.ready("m", "3"));
  }

  @Test
  void summaryCountsStatesAndGivesTheFailureReason() {
    List<ReplicaInfo> replicas =
        List.of(
            replica("m", "1", 0, ReplicaState.LOADING),
            replica("m", "1", 1, ReplicaState.FAILED),
            replica("m", "1", 2, ReplicaState.LOADING));
    assertEquals("2 LOADING, 1 FAILED: artifact digest mismatch", RoutingTable.summary(replicas));
    assertEquals("no replicas", RoutingTable.summary(List.of()));
  }

  @Test
  void notReadyNamesTheVersionAndWhy() {
    ModelView view =
        new ModelView(
            "m", Map.of(), Map.of("1", new DeploymentSpec("1", 1, DeviceKind.AUTO)), Map.of());
    RoutingTable table = RoutingTable.of(List.of(replica("m", "1", 0, ReplicaState.LOADING)));
    assertEquals(
        "model 'm' version '1' has no Ready replica (1 LOADING)",
        Readiness.notReady(view, table, "1"));
    assertEquals(
        "model 'm' version '2' has no Ready replica (not deployed)",
        Readiness.notReady(view, table, "2"));
    assertEquals(
        "model 'm' has no Ready replica (deployed, but no replica has started yet)",
        Readiness.notReady(view, RoutingTable.EMPTY, null));
  }

  private static List<String> ids(List<ReplicaInfo> replicas) {
    return replicas.stream().map(ReplicaInfo::replicaId).toList();
  }
}
