package io.modelfleet.gateway.routing;

import static io.modelfleet.gateway.routing.Replicas.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

/** Directory entries of nodes that left the cluster are neither routed to nor counted. */
class MemberFilterTest {

  private static final String LIVE = "pekko://modelfleet@10.0.0.1:25520";
  private static final String DEAD = "pekko://modelfleet@10.0.0.2:25520";

  private static final List<ReplicaInfo> ENTRIES =
      List.of(
          replica("m", "1", 0, ReplicaState.READY, LIVE),
          replica("m", "1", 1, ReplicaState.READY, DEAD),
          replica("m", "2", 0, ReplicaState.READY, DEAD),
          replica("m", "2", 1, ReplicaState.LOADING, DEAD));

  @Test
  void replicasOfNodesThatAreNotMembersAreNeitherRoutedNorCounted() {
    RoutingTable table = RoutingTable.of(ENTRIES, Set.of(LIVE));
    assertEquals(List.of("m/1/0"), ids(table.ready("m", "1")));
    assertEquals(1, table.readyCount("m"));
    assertEquals("1", table.defaultVersion("m"), "version 2 is Ready only on the departed node");
    assertEquals(List.of(), table.replicas("m", "2"));
    assertEquals(List.of("m/1/0"), ids(table.all()));
    assertEquals(Set.of("m/1/0"), table.replicaIds());
    assertEquals(1, table.countOnNode(LIVE));
    assertEquals(0, table.countOnNode(DEAD));
    assertEquals(3, table.leftOut());
  }

  @Test
  void readinessMessagesDoNotCountReplicasOfDepartedNodes() {
    ModelView view =
        new ModelView(
            "m", Map.of(), Map.of("2", new DeploymentSpec("2", 2, DeviceKind.AUTO)), Map.of());
    RoutingTable table = RoutingTable.of(ENTRIES, Set.of(LIVE));
    assertEquals(
        "model 'm' version '2' has no Ready replica (deployed, but no replica has started yet)",
        Readiness.notReady(view, table, "2"));
  }

  @Test
  void anUnknownMembershipKeepsEveryEntry() {
    RoutingTable table = RoutingTable.of(ENTRIES, null);
    assertEquals(3, table.readyCount("m"));
    assertEquals(0, table.leftOut());
    assertEquals(4, RoutingTable.of(ENTRIES).all().size());
  }

  @Test
  void anEmptyMembershipRoutesNowhere() {
    RoutingTable table = RoutingTable.of(ENTRIES, Set.of());
    assertEquals(0, table.readyCount("m"));
    assertNull(table.defaultVersion("m"));
  }

  @Test
  void entriesWithoutANodeAreKept() {
    RoutingTable table =
        RoutingTable.of(List.of(replica("m", "1", 0, ReplicaState.READY, null)), Set.of(LIVE));
    assertEquals(1, table.readyCount("m"));
  }

  @Test
  void aMembershipChangeRefiltersTheDirectory() {
    ReplicaDirectory directory = new ReplicaDirectory();
    directory.replaceEntries(ENTRIES);
    assertEquals(
        3, directory.current().readyCount("m"), "membership not known yet: nothing is filtered");

    directory.replaceMembers(Set.of(LIVE, DEAD));
    assertEquals(3, directory.current().readyCount("m"));
    assertEquals("2", directory.current().defaultVersion("m"));

    RoutingTable afterLoss = directory.replaceMembers(Set.of(LIVE));
    assertEquals(afterLoss, directory.current());
    assertEquals(1, directory.current().readyCount("m"));
    assertEquals(List.of("m/1/0"), ids(directory.current().ready("m", "1")));

    // A later directory change is filtered by the membership already known.
    directory.replaceEntries(
        List.of(
            replica("m", "1", 0, ReplicaState.READY, LIVE),
            replica("m", "1", 1, ReplicaState.READY, DEAD),
            replica("m", "1", 2, ReplicaState.READY, LIVE)));
    assertEquals(List.of("m/1/0", "m/1/2"), ids(directory.current().ready("m", "1")));

    // The node restarts on the same address and joins again: its entries are routable again.
    directory.replaceMembers(Set.of(LIVE, DEAD));
    assertEquals(List.of("m/1/0", "m/1/1", "m/1/2"), ids(directory.current().ready("m", "1")));
  }

  @Test
  void downAndRemovedMembersAreNotRoutable() {
    assertFalse(ReachabilityWatcher.routable(MemberStatus.down()));
    assertFalse(ReachabilityWatcher.routable(MemberStatus.removed()));
    for (MemberStatus s :
        List.of(
            MemberStatus.joining(),
            MemberStatus.weaklyUp(),
            MemberStatus.up(),
            MemberStatus.leaving(),
            MemberStatus.exiting())) {
      assertTrue(ReachabilityWatcher.routable(s), s.toString());
    }
  }

  private static List<String> ids(List<ReplicaInfo> replicas) {
    return replicas.stream().map(ReplicaInfo::replicaId).toList();
  }
}
