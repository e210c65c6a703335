package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelEntityTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final RequestMeta META = new RequestMeta("alice", "req-1", null);
  private static final List<TensorSpec> IN =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final List<TensorSpec> OUT =
      List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L)));

  private EventSourcedBehaviorTestKit<ModelCommand, ModelEvent, ModelState> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ModelEntity.create("iris", RegistrySettings.fromConfig(ConfigFactory.load())));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private CommandResultWithReply<ModelCommand, ModelEvent, ModelState, ModelReply> register(
      String version, String digest) {
    return kit.<ModelReply>runCommand(
        r -> new ModelCommand.RegisterVersion(version, digest, 42, IN, OUT, META, r));
  }

  @Test
  void registeringANewVersionRecordsWhoAndWhat() {
    var result = register("1", DIGEST);
    var reply = assertInstanceOf(ModelReply.Registered.class, result.reply());
    assertTrue(reply.created());
    assertEquals(DIGEST, reply.version().digest());
    var event = result.eventOfType(ModelEvent.VersionRegistered.class);
    assertEquals("alice", event.meta().principal());
    assertEquals("req-1", event.meta().requestId());
    assertEquals(IN, event.version().inputs());
    assertEquals(DIGEST, result.state().versions().get("1").digest());
  }

  @Test
  void aModelBelongsToTheTenantThatRegisteredItsFirstVersion() {
    RequestMeta teamA = new RequestMeta("ci-a", "req-a", null, "team-a");
    RequestMeta teamB = new RequestMeta("ci-b", "req-b", null, "team-b");
    var first =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.RegisterVersion("1", DIGEST, 42, IN, OUT, teamA, r));
    assertEquals("team-a", first.eventOfType(ModelEvent.VersionRegistered.class).meta().tenant());
    assertEquals("team-a", first.state().view().tenant());
    var second =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RegisterVersion(
                    "2", "sha256:" + "b".repeat(64), 42, IN, OUT, teamB, r));
    assertEquals("team-a", second.state().view().tenant(), "a later version never moves it");
    kit.restart();
    assertEquals("team-a", kit.getState().view().tenant(), "and it survives recovery");
  }

  @Test
  void aModelRegisteredWithoutATenantBelongsToTheDefaultOne() {
    var result = register("1", DIGEST);
    assertEquals(RequestMeta.DEFAULT_TENANT, result.state().view().tenant());
  }

  @Test
  void sameBytesAgainIsNoChangeAndOtherBytesConflict() {
    register("1", DIGEST);
    var again = register("1", DIGEST);
    assertFalse(assertInstanceOf(ModelReply.Registered.class, again.reply()).created());
    assertTrue(again.hasNoEvents());

    var other = register("1", "sha256:" + "b".repeat(64));
    var rejected = assertInstanceOf(ModelReply.Rejected.class, other.reply());
    assertEquals(ModelReply.Rejected.Kind.CONFLICT, rejected.kind());
    assertTrue(rejected.error().contains(DIGEST), rejected.error());
    assertTrue(other.hasNoEvents());
    assertEquals(DIGEST, other.state().versions().get("1").digest());
  }

  @Test
  void deployRequiresAKnownVersionAndSaneReplicaCount() {
    var unknown =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.Deploy(new DeploymentSpec("1", 2, DeviceKind.AUTO), META, r));
    assertEquals(
        ModelReply.Rejected.Kind.NOT_FOUND,
        assertInstanceOf(ModelReply.Rejected.class, unknown.reply()).kind());

    register("1", DIGEST);
    var tooMany =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.Deploy(new DeploymentSpec("1", 1000, DeviceKind.AUTO), META, r));
    var rejected = assertInstanceOf(ModelReply.Rejected.class, tooMany.reply());
    assertEquals(ModelReply.Rejected.Kind.INVALID, rejected.kind());
    assertTrue(rejected.error().contains("replicas"), rejected.error());

    var ok =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.Deploy(new DeploymentSpec("1", 2, DeviceKind.AUTO), META, r));
    var current = assertInstanceOf(ModelReply.Current.class, ok.reply());
    assertEquals(2, current.model().deployments().get("1").replicas());
    assertEquals(2, ok.eventOfType(ModelEvent.DeploymentSet.class).spec().replicas());

    var same =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.Deploy(new DeploymentSpec("1", 2, DeviceKind.AUTO), META, r));
    assertTrue(same.hasNoEvents());
  }

  @Test
  void undeployRemovesEveryDeploymentAndTheirPlacements() {
    register("1", DIGEST);
    register("2", "sha256:" + "c".repeat(64));
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.Deploy(new DeploymentSpec("1", 1, DeviceKind.CPU), META, r));
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.Deploy(new DeploymentSpec("2", 1, DeviceKind.CPU), META, r));
    var placed =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RecordPlacement(
                    new ReplicaPlacement("iris/1/0", "node-a", "cpu"), r));
    assertEquals("node-a", placed.eventOfType(ModelEvent.ReplicaPlaced.class).placement().node());
    var samePlace =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RecordPlacement(
                    new ReplicaPlacement("iris/1/0", "node-a", "cpu"), r));
    assertTrue(samePlace.hasNoEvents());

    var all = kit.<ModelReply>runCommand(r -> new ModelCommand.Undeploy(null, META, r));
    assertEquals(2, all.events().size());
    assertTrue(all.state().deployments().isEmpty());
    assertTrue(all.state().placements().isEmpty());
    assertEquals(2, all.state().versions().size(), "versions survive an unload");
  }

  @Test
  void anAlertTransitionIsRecordedWithItsNumbersAndChangesNothingElse() {
    RequestMeta alerts = new RequestMeta("modelfleet-alerts", null, "firing: p99 2 s > 1 s");
    Map<String, String> labels =
        Map.of("alertname", "ModelFleetModelLatencyHigh", "model", "iris", "version", "1");
    var unknown =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RecordAlert(
                    "ModelFleetModelLatencyHigh", "firing", "warning", labels, alerts, r));
    assertInstanceOf(ModelReply.Rejected.class, unknown.reply());
    assertTrue(unknown.events().isEmpty(), "no journal for a model that does not exist");

    register("1", DIGEST);
    var before = kit.getState();
    var result =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RecordAlert(
                    "ModelFleetModelLatencyHigh", "firing", "warning", labels, alerts, r));
    assertInstanceOf(ModelReply.Current.class, result.reply());
    var event = result.eventOfType(ModelEvent.AlertChanged.class);
    assertEquals("modelfleet-alerts", event.meta().principal());
    assertEquals("firing: p99 2 s > 1 s", event.meta().reason());
    assertEquals(before, result.state());
    var entry = event.toHistory(2);
    assertEquals("AlertChanged", entry.event());
    assertEquals("firing", entry.details().get("status"));
    assertEquals("ModelFleetModelLatencyHigh", entry.details().get("alert"));
    assertEquals(labels, entry.details().get("labels"));
  }

  @Test
  void historyEntriesCarryTheEventFields() {
    var result = register("1", DIGEST);
    var entry = result.eventOfType(ModelEvent.VersionRegistered.class).toHistory(1);
    assertEquals("VersionRegistered", entry.event());
    assertEquals("alice", entry.principal());
    assertEquals(DIGEST, entry.details().get("digest"));
  }

  @Test
  void versionNamesAreExactAndNewNumericNamesMustBeCanonical() {
    register("1", DIGEST);
    var zero = register("01", DIGEST);
    var refused = assertInstanceOf(ModelReply.Rejected.class, zero.reply());
    assertEquals(ModelReply.Rejected.Kind.INVALID, refused.kind());
    assertTrue(
        refused.error().contains("'01'") && refused.error().contains("'1'"), refused.error());
    assertTrue(zero.hasNoEvents());

    // A reference to "01" is looked up exactly: it is not version "1".
    var deploy =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.Deploy(new DeploymentSpec("01", 1, DeviceKind.CPU), META, r));
    assertEquals(
        ModelReply.Rejected.Kind.NOT_FOUND,
        assertInstanceOf(ModelReply.Rejected.class, deploy.reply()).kind());
    assertTrue(deploy.state().deployments().isEmpty());

    register("10", "sha256:" + "d".repeat(64));
    register("9", "sha256:" + "e".repeat(64));
    assertEquals(
        List.of("1", "9", "10"),
        register("v2", "sha256:" + "f".repeat(64)).state().view().versionNames().subList(0, 3));
  }

  @Test
  void anOldJournalsDeploymentOfZeroPaddedVersionReplaysAsTheRegisteredVersion() {
    var info = new VersionInfo("1", DIGEST, 42, IN, OUT, Instant.EPOCH, "alice");
    EventMeta meta = EventMeta.of(META);
    ModelState s =
        ModelState.empty("iris")
            .apply(new ModelEvent.VersionRegistered(info, meta))
            .apply(new ModelEvent.DeploymentSet(new DeploymentSpec("01", 2, DeviceKind.CPU), meta));
    assertEquals(Set.of("1"), s.deployments().keySet());
    assertEquals("1", s.deployments().get("1").version());
    assertEquals(2, s.deployments().get("1").replicas());
    assertTrue(s.apply(new ModelEvent.DeploymentRemoved("001", meta)).deployments().isEmpty());
  }
}
