package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's snapshots: a state read back from a snapshot is the state that was saved, and an
 * entity recovered from a snapshot plus the events after it is the entity recovered from its events
 * alone. The persistence test kit serialises every snapshot and event it stores, so recovery here
 * goes through the same Jackson binding as on a real journal.
 */
class ModelSnapshotTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(testKit.system()));
  private static final RequestMeta META = new RequestMeta("alice", "req-1", "test");
  private static final List<TensorSpec> IN =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final List<TensorSpec> OUT =
      List.of(new TensorSpec("y", DataType.FP32, List.of(-1L, 2L)));

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static String digest(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  private static DeploymentSpec withWarmup(String version, int replicas) {
    return new DeploymentSpec(
        version,
        replicas,
        DeviceKind.CPU,
        new BatchingSpec(8, true, List.of(4), 100, 64),
        new SessionSpec(2, 1, "all", null),
        List.of(
            new WarmupSample(
                "given",
                2,
                3,
                List.of(
                    new WarmupSample.Input(
                        "x",
                        DataType.FP32,
                        new long[] {1, 2},
                        WarmupSample.Fill.DATA,
                        new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40})))));
  }

  /**
   * Every kind of event, versions whose text and numeric orders differ, and a removal: 13 events.
   */
  private static void drive(EventSourcedBehaviorTestKit<ModelCommand, ModelEvent, ModelState> kit) {
    for (String v : List.of("9", "10", "1", "v2")) {
      kit.<ModelReply>runCommand(
          r ->
              new ModelCommand.RegisterVersion(
                  v, digest(v.charAt(v.length() - 1)), 42, IN, OUT, META, r));
    }
    kit.<ModelReply>runCommand(r -> new ModelCommand.Deploy(withWarmup("10", 2), META, r));
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.Deploy(new DeploymentSpec("9", 1, DeviceKind.AUTO), META, r));
    for (String id : List.of("iris/10/1", "iris/10/0", "iris/9/0")) {
      kit.<ModelReply>runCommand(
          r -> new ModelCommand.RecordPlacement(new ReplicaPlacement(id, "node-a", "cpu"), r));
    }
    kit.<ModelReply>runCommand(r -> new ModelCommand.Undeploy("9", META, r));
    kit.<ModelReply>runCommand(r -> new ModelCommand.Deploy(withWarmup("10", 3), META, r));
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.Deploy(new DeploymentSpec("1", 1, DeviceKind.CPU), META, r));
    kit.<ModelReply>runCommand(
        r ->
            new ModelCommand.RecordPlacement(new ReplicaPlacement("iris/1/0", "node-b", "cpu"), r));
  }

  private static ModelState fromEvents(List<Object> events) {
    ModelState s = ModelState.empty("iris");
    for (Object e : events) {
      s = s.apply((ModelEvent) e);
    }
    return s;
  }

  @Test
  void recoveryFromSnapshotAndLaterEventsEqualsRecoveryFromEventsAlone() {
    // Equality verified too: every state the kit sees must equal its own serialised round trip.
    var kit =
        EventSourcedBehaviorTestKit.<ModelCommand, ModelEvent, ModelState>create(
            testKit.system(),
            ModelEntity.create("iris", new RegistrySettings(3, 2)),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    drive(kit);
    String pid = ModelEntity.persistenceId("iris").id();
    List<Object> events = kit.persistenceTestKit().persistedInStorage(pid);
    assertEquals(13, events.size(), "every change is an event, none deleted by a snapshot");

    // Older snapshots are deleted after a newer one is saved, without holding up commands.
    List<Pair<SnapshotMeta, Object>> snapshots =
        testKit
            .createTestProbe()
            .awaitAssert(
                () -> {
                  List<Pair<SnapshotMeta, Object>> stored =
                      kit.snapshotTestKit().orElseThrow().persistedInStorage(pid);
                  assertEquals(
                      List.of(9L, 12L),
                      stored.stream().map(p -> p.first().sequenceNr()).toList(),
                      "one snapshot every 3 events, the newest 2 kept");
                  return stored;
                });
    assertEquals(fromEvents(events.subList(0, 12)), snapshots.get(1).second());

    ModelState alone = fromEvents(events);
    assertEquals(kit.getState(), alone);
    ModelState recovered = kit.restart().state();
    assertEquals(alone, recovered);
    assertEquals(alone.view(), recovered.view());
    assertEquals(List.of("1", "9", "10", "v2"), List.copyOf(recovered.versions().keySet()));

    // The recovered entity goes on as the original would have.
    var next = kit.<ModelReply>runCommand(r -> new ModelCommand.Undeploy(null, META, r));
    assertEquals(2, next.events().size());
    events = kit.persistenceTestKit().persistedInStorage(pid);
    assertEquals(fromEvents(events), next.state());
  }

  @Test
  void snapshotsCanBeTurnedOff() {
    var kit =
        EventSourcedBehaviorTestKit.<ModelCommand, ModelEvent, ModelState>create(
            testKit.system(),
            ModelEntity.create(
                "off",
                RegistrySettings.fromConfig(
                    ConfigFactory.parseMap(Map.of("modelfleet.registry.snapshot-every", 0))
                        .withFallback(ConfigFactory.load()))));
    for (int i = 1; i <= 5; i++) {
      int n = i;
      kit.<ModelReply>runCommand(
          r ->
              new ModelCommand.RegisterVersion(
                  String.valueOf(n), digest('a'), 1, IN, OUT, META, r));
    }
    assertEquals(
        List.of(),
        kit.snapshotTestKit()
            .orElseThrow()
            .persistedInStorage(ModelEntity.persistenceId("off").id()));
    assertEquals(5, kit.restart().state().versions().size());
    assertEquals(
        new RegistrySettings(100, 2),
        RegistrySettings.fromConfig(ConfigFactory.load()),
        "reference.conf defaults");
    assertThrows(IllegalArgumentException.class, () -> new RegistrySettings(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> new RegistrySettings(100, 0));
  }

  @Test
  void stateReadBackFromItsSnapshotIsTheSavedStateInTheSameOrder() {
    var kit =
        EventSourcedBehaviorTestKit.<ModelCommand, ModelEvent, ModelState>create(
            testKit.system(), ModelEntity.create("iris", new RegistrySettings(0, 2)));
    drive(kit);
    ModelState saved = kit.getState();
    kit.clear();

    Serializer serializer = serialization.findSerializerFor(saved);
    String manifest = Serializers.manifestFor(serializer, saved);
    ModelState back =
        assertInstanceOf(
            ModelState.class,
            serialization
                .deserialize(serializer.toBinary(saved), serializer.identifier(), manifest)
                .get());
    assertEquals(saved, back);
    for (var maps :
        List.of(
            List.of(saved.versions(), back.versions()),
            List.of(saved.deployments(), back.deployments()),
            List.of(saved.placements(), back.placements()))) {
      assertEquals(new ArrayList<>(maps.get(0).keySet()), new ArrayList<>(maps.get(1).keySet()));
      assertEquals(
          maps.get(0).getClass(),
          maps.get(1).getClass(),
          "unmodifiable and sorted as the saved ones");
    }
    // The same next event gives the same next state.
    ModelEvent next =
        new ModelEvent.VersionRegistered(
            new VersionInfo("11", digest('f'), 7, IN, OUT, Instant.EPOCH, "bob"),
            EventMeta.of(META));
    assertEquals(saved.apply(next), back.apply(next));
  }
}
