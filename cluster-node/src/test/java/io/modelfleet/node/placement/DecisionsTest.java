package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.node.placement.Snapshot.Standing;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the deployment controller is told to do each round, from what it knows and when. */
class DecisionsTest {
  private static final String A = "pekko://fleet@10.0.0.1:25520";
  private static final String B = "pekko://fleet@10.0.0.2:25520";
  private static final Assignment ON_A = new Assignment(A, "cpu");
  private static final Assignment ON_B = new Assignment(B, "cpu");
  private static final long SEC = 1_000_000_000L;
  private static final ControllerSettings SETTINGS =
      ControllerSettings.fromConfig(ConfigFactory.load());

  private static NodeInfo worker(String address) {
    return new NodeInfo(
        address,
        List.of("gateway", "worker"),
        List.of(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false)),
        0);
  }

  private static ModelView model(String name, int replicas, DeviceKind device) {
    VersionInfo v = new VersionInfo("1", "sha256:x", 1000, List.of(), List.of(), null, "test");
    Map<String, DeploymentSpec> deployments =
        replicas == 0
            ? Map.of()
            : Map.of(
                "1",
                new DeploymentSpec("1", replicas, device, BatchingSpec.NONE, SessionSpec.DEFAULTS));
    return new ModelView(name, Map.of("1", v), deployments, Map.of());
  }

  private static ReplicaInfo replica(String entityId, String node, ReplicaState state) {
    ReplicaId slot = ReplicaId.parse(entityId);
    return new ReplicaInfo(
        entityId,
        slot.model(),
        slot.version(),
        node,
        node == null ? null : "cpu",
        state,
        state == ReplicaState.FAILED ? "cannot open the model" : null,
        null,
        0,
        0);
  }

  private static Map<String, ReplicaInfo> live(ReplicaInfo... replicas) {
    Map<String, ReplicaInfo> out = new HashMap<>();
    for (ReplicaInfo r : replicas) {
      out.put(r.replicaId(), r);
    }
    return out;
  }

  private static Snapshot snapshot(
      List<ModelView> models,
      Map<String, ReplicaInfo> live,
      List<String> workers,
      Set<String> draining) {
    Map<String, NodeInfo> nodes = new HashMap<>();
    Map<String, Standing> members = new HashMap<>();
    workers.forEach(
        w -> {
          nodes.put(w, worker(w));
          members.put(w, Standing.UP);
        });
    return new Snapshot(models, live, nodes, draining, members);
  }

  private static <T extends Action> List<T> only(List<Action> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Set<String> retired(List<Action> actions) {
    return only(actions, Action.Retire.class).stream()
        .map(r -> r.replica().replicaId())
        .collect(Collectors.toSet());
  }

  @Test
  void aNewSlotIsPlacedAndStartedThenKeptAlive() {
    Decisions d = new Decisions(SETTINGS);
    Snapshot s = snapshot(List.of(model("m", 1, DeviceKind.CPU)), live(), List.of(A), Set.of());
    List<Action> first = d.round(s, SEC, 1000);
    assertEquals(
        List.of(new Action.PlaceAndStart("m/1/0", ON_A)), only(first, Action.PlaceAndStart.class));
    assertTrue(
        first.contains(Action.Log.info("Placing replica m/1/0 on cpu of " + A)), first.toString());

    List<Action> second = d.round(s, 2 * SEC, 2000);
    assertEquals(
        List.of(new Action.Start("m/1/0", ON_A)),
        only(second, Action.Start.class),
        "placed once; afterwards only kept alive");
    assertTrue(only(second, Action.PlaceAndStart.class).isEmpty());
  }

  @Test
  void aDrainedReplicaMovesMakeBeforeBreakAndItsMemberLeavesOnceNothingIsLeft() {
    Decisions d = new Decisions(SETTINGS);
    List<ModelView> models = List.of(model("m", 1, DeviceKind.CPU));
    d.round(snapshot(models, live(), List.of(A), Set.of()), SEC, 0);
    ReplicaInfo old = replica("m/1/0", A, ReplicaState.READY);

    List<Action> begin = d.round(snapshot(models, live(old), List.of(A, B), Set.of(A)), 2 * SEC, 0);
    assertEquals(
        List.of(new Action.PlaceAndStart("m/1/0/1", ON_B)),
        only(begin, Action.PlaceAndStart.class),
        "a new incarnation starts on the target first");
    assertTrue(retired(begin).isEmpty(), "the serving copy stays until the new one is READY");
    assertTrue(only(begin, Action.Leave.class).isEmpty(), "A still hosts the replica");

    ReplicaInfo loading = replica("m/1/0/1", B, ReplicaState.LOADING);
    List<Action> waiting =
        d.round(snapshot(models, live(old, loading), List.of(A, B), Set.of(A)), 3 * SEC, 0);
    assertTrue(retired(waiting).isEmpty());
    assertTrue(only(waiting, Action.PlaceAndStart.class).isEmpty(), "one move per slot");

    ReplicaInfo ready = replica("m/1/0/1", B, ReplicaState.READY);
    List<Action> done =
        d.round(snapshot(models, live(old, ready), List.of(A, B), Set.of(A)), 4 * SEC, 0);
    assertEquals(
        Set.of("m/1/0"), retired(done), "the old copy is retired once the new one is READY");
    assertTrue(only(done, Action.Leave.class).isEmpty());

    ReplicaInfo drainingOld = replica("m/1/0", A, ReplicaState.DRAINING);
    List<Action> stillDraining =
        d.round(snapshot(models, live(drainingOld, ready), List.of(A, B), Set.of(A)), 5 * SEC, 0);
    assertTrue(
        only(stillDraining, Action.Leave.class).isEmpty(),
        "an incarnation still draining its requests there keeps the member");
    assertTrue(retired(stillDraining).isEmpty());

    List<Action> empty =
        d.round(snapshot(models, live(ready), List.of(A, B), Set.of(A)), 6 * SEC, 0);
    assertEquals(List.of(new Action.Leave(A)), only(empty, Action.Leave.class));
    assertEquals(
        List.of(new Action.Start("m/1/0/1", ON_B)),
        only(empty, Action.Start.class),
        "the slot is served by its new incarnation now");
  }

  @Test
  void aReplicaOfARemovedMemberRestartsOnItsTargetAndIsLeftToComeUp() {
    Decisions d = new Decisions(SETTINGS);
    List<ModelView> models = List.of(model("m", 1, DeviceKind.CPU));
    d.round(snapshot(models, live(), List.of(A), Set.of()), 0, 0);
    ReplicaInfo onA = replica("m/1/0", A, ReplicaState.READY);
    d.round(snapshot(models, live(onA), List.of(A, B), Set.of()), SEC, 0);

    List<Action> removed = d.memberRemoved(A, live(onA), 10 * SEC, 2000);
    assertEquals(
        List.of(new Action.RemoveReplicaEntry("m/1/0"), new Action.RemoveNodeEntry(A)),
        removed.subList(0, 2),
        "its directory entries are forgotten");

    List<Action> settling = d.round(snapshot(models, live(), List.of(B), Set.of()), 11 * SEC, 0);
    assertTrue(
        only(settling, Action.Start.class).isEmpty()
            && only(settling, Action.PlaceAndStart.class).isEmpty(),
        "nothing is placed while the shard coordinator learns of the removal: " + settling);

    List<Action> restart = d.round(snapshot(models, live(), List.of(B), Set.of()), 13 * SEC, 0);
    assertEquals(
        List.of(new Action.Start("m/1/0", ON_B)),
        only(restart, Action.Start.class),
        "started from its target at once, with no new shard location");
    assertTrue(only(restart, Action.PlaceAndStart.class).isEmpty());

    List<Action> grace = d.round(snapshot(models, live(), List.of(B), Set.of()), 20 * SEC, 0);
    assertEquals(
        List.of(new Action.Start("m/1/0", ON_B)),
        only(grace, Action.Start.class),
        "it waits during the grace");
    assertTrue(only(grace, Action.PlaceAndStart.class).isEmpty());

    ReplicaInfo onB = replica("m/1/0", B, ReplicaState.READY);
    List<Action> up = d.round(snapshot(models, live(onB), List.of(B), Set.of()), 21 * SEC, 0);
    assertEquals(
        List.of(new Action.RecordLocation("m/1/0", ON_B)),
        only(up, Action.RecordLocation.class),
        "where it came up is recorded as its shard's location");
  }

  @Test
  void aRestartThatDoesNotComeUpWithinTheGraceIsPlacedAfresh() {
    Decisions d = new Decisions(SETTINGS);
    List<ModelView> models = List.of(model("m", 1, DeviceKind.CPU));
    d.round(snapshot(models, live(), List.of(A), Set.of()), 0, 0);
    ReplicaInfo onA = replica("m/1/0", A, ReplicaState.READY);
    d.memberRemoved(A, live(onA), SEC, 2000);
    long restartAt = SEC + SETTINGS.settleAfterRemoval().toNanos() + SEC;
    d.round(snapshot(models, live(), List.of(B), Set.of()), restartAt, 0);
    List<Action> late =
        d.round(
            snapshot(models, live(), List.of(B), Set.of()),
            restartAt + SETTINGS.restartGrace().toNanos() + SEC,
            0);
    assertEquals(
        List.of(new Action.PlaceAndStart("m/1/0", ON_B)), only(late, Action.PlaceAndStart.class));
  }

  @Test
  void everyIncarnationOfAnUnwantedSlotIsRetired() {
    Decisions d = new Decisions(SETTINGS);
    List<Action> out =
        d.round(
            snapshot(
                List.of(model("m", 0, DeviceKind.CPU)),
                live(
                    replica("m/1/0", A, ReplicaState.READY),
                    replica("m/1/0/1", B, ReplicaState.FAILED)),
                List.of(A, B),
                Set.of()),
            SEC,
            0);
    Set<String> unwanted =
        only(out, Action.Retire.class).stream()
            .filter(r -> r.reason().startsWith("no deployment wants"))
            .map(r -> r.replica().replicaId())
            .collect(Collectors.toSet());
    assertEquals(Set.of("m/1/0", "m/1/0/1"), unwanted);

    List<Action> draining =
        new Decisions(SETTINGS)
            .round(
                snapshot(
                    List.of(model("m", 0, DeviceKind.CPU)),
                    live(
                        replica("m/1/0", A, ReplicaState.DRAINING),
                        replica("m/1/0/1", B, ReplicaState.READY)),
                    List.of(A, B),
                    Set.of()),
                SEC,
                0);
    assertEquals(Set.of("m/1/0/1"), retired(draining), "one already draining is not told again");
  }

  @Test
  void pendingEntriesArePublishedOnceAndStaleOnesRemoved() {
    Decisions d = new Decisions(SETTINGS);
    List<ModelView> models = List.of(model("g", 1, DeviceKind.GPU));
    List<Action> first = d.round(snapshot(models, live(), List.of(A), Set.of()), SEC, 1234);
    List<Action.PublishPending> published = only(first, Action.PublishPending.class);
    assertEquals(1, published.size(), first.toString());
    ReplicaInfo pending = published.get(0).info();
    assertEquals("g/1/0", pending.replicaId());
    assertEquals(ReplicaState.PENDING, pending.state());
    assertEquals(1234, pending.updatedAtMillis());
    assertFalse(pending.reason().isBlank());

    List<Action> again =
        d.round(snapshot(models, live(pending), List.of(A), Set.of()), 2 * SEC, 2000);
    assertTrue(
        only(again, Action.PublishPending.class).isEmpty(), "the same reason is not written again");

    ReplicaInfo stale = replica("x/1/0", null, ReplicaState.PENDING);
    List<Action> cleaned =
        d.round(snapshot(models, live(pending, stale), List.of(A), Set.of()), 3 * SEC, 3000);
    assertEquals(
        List.of(new Action.RemoveReplicaEntry("x/1/0")),
        only(cleaned, Action.RemoveReplicaEntry.class));
  }

  @Test
  void entriesOfANodeThatIsNoMemberAreForgottenAfterTheGrace() {
    Decisions d = new Decisions(SETTINGS);
    Snapshot s =
        new Snapshot(
            List.of(),
            live(replica("m/1/0", B, ReplicaState.READY)),
            Map.of(B, worker(B)),
            Set.of(),
            Map.of(A, Standing.UP));
    assertTrue(only(d.round(s, SEC, 0), Action.RemoveNodeEntry.class).isEmpty());
    List<Action> late = d.round(s, SEC + SETTINGS.unknownNodeGrace().toNanos() + SEC, 0);
    assertEquals(List.of(new Action.RemoveNodeEntry(B)), only(late, Action.RemoveNodeEntry.class));
    assertEquals(
        List.of(new Action.RemoveReplicaEntry("m/1/0")),
        only(late, Action.RemoveReplicaEntry.class));
  }
}
