package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Autoscaled deployments in the registry: settings checked, 0 replicas kept as a deployment, Scale
 * as a compare-and-set recorded with its reason, and journals from before autoscaling replay.
 */
class ScalingTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final RequestMeta META = new RequestMeta("alice", "req-1", null);
  private static final RequestMeta AUTOSCALER =
      new RequestMeta("modelfleet-autoscaler", null, "in-flight 7.4 over 2 replicas, target 2");
  private static final List<TensorSpec> IO =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final AutoscalingSpec ONE_TO_FOUR =
      new AutoscalingSpec(1, 4, 2, 0, 5_000, 30_000, 0);
  private static final AutoscalingSpec ZERO_TO_TWO =
      new AutoscalingSpec(0, 2, 1, 0, 5_000, 30_000, 60_000);

  private EventSourcedBehaviorTestKit<ModelCommand, ModelEvent, ModelState> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ModelEntity.create("iris", RegistrySettings.fromConfig(ConfigFactory.load())));
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.RegisterVersion("1", "sha256:" + "a".repeat(64), 1, IO, IO, META, r));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static DeploymentSpec spec(int replicas, AutoscalingSpec a) {
    return new DeploymentSpec(
        "1",
        replicas,
        DeviceKind.AUTO,
        BatchingSpec.NONE,
        SessionSpec.DEFAULTS,
        List.of(),
        ResponseCacheSpec.OFF,
        a);
  }

  private ModelReply deploy(DeploymentSpec spec) {
    return kit.<ModelReply>runCommand(r -> new ModelCommand.Deploy(spec, META, r)).reply();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          ModelCommand, ModelEvent, ModelState, ModelReply>
      scale(int from, int to) {
    return kit.runCommand(r -> new ModelCommand.Scale("1", from, to, AUTOSCALER, r));
  }

  @Test
  void scaleChangesOnlyTheCountAndRecordsTheNumbers() {
    deploy(spec(1, ONE_TO_FOUR));
    var result = scale(1, 3);
    var event = result.eventOfType(ModelEvent.DeploymentScaled.class);
    assertEquals("modelfleet-autoscaler", event.meta().principal());
    assertEquals(spec(3, ONE_TO_FOUR), kit.getState().deployments().get("1"));
    var entry = event.toHistory(3);
    assertEquals("DeploymentScaled", entry.event());
    assertEquals(Map.of("version", "1", "from", 1, "to", 3), entry.details());
    assertEquals("in-flight 7.4 over 2 replicas, target 2", entry.reason());
    ModelState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
  }

  @Test
  void aStaleOrEmptyScaleWritesNothing() {
    deploy(spec(2, ONE_TO_FOUR));
    assertTrue(scale(1, 3).hasNoEvents(), "the sender saw 1, the registry has 2");
    assertTrue(scale(2, 2).hasNoEvents());
    assertEquals(2, kit.getState().deployments().get("1").replicas());
  }

  @Test
  void scaleStaysWithinTheBoundsAndNeedsAnAutoscaledDeployment() {
    deploy(spec(2, ONE_TO_FOUR));
    var tooMany = assertInstanceOf(ModelReply.Rejected.class, scale(2, 5).reply());
    assertEquals(ModelReply.Rejected.Kind.INVALID, tooMany.kind());
    assertTrue(tooMany.error().contains("1 to 4"), tooMany.error());
    assertInstanceOf(ModelReply.Rejected.class, scale(2, 0).reply());
    deploy(new DeploymentSpec("1", 2, DeviceKind.AUTO));
    var fixed = assertInstanceOf(ModelReply.Rejected.class, scale(2, 3).reply());
    assertEquals(ModelReply.Rejected.Kind.CONFLICT, fixed.kind());
    assertTrue(fixed.error().contains("no autoscaled deployment"), fixed.error());
  }

  @Test
  void zeroReplicasOfAnAutoscaledDeploymentIsScaledToZeroNotUndeployed() {
    deploy(spec(1, ZERO_TO_TWO));
    scale(1, 0);
    assertEquals(spec(0, ZERO_TO_TWO), kit.getState().deployments().get("1"));
    scale(0, 1);
    assertEquals(1, kit.getState().deployments().get("1").replicas());
    var direct =
        kit.<ModelReply>runCommand(r -> new ModelCommand.Deploy(spec(0, ZERO_TO_TWO), META, r));
    direct.eventOfType(ModelEvent.DeploymentSet.class);
    assertEquals(0, kit.getState().deployments().get("1").replicas());
    // Without autoscaling, 0 replicas still removes the deployment.
    deploy(new DeploymentSpec("1", 0, DeviceKind.AUTO));
    assertNull(kit.getState().deployments().get("1"));
  }

  @Test
  void deploySettingsAreChecked() {
    var outside = assertInstanceOf(ModelReply.Rejected.class, deploy(spec(5, ONE_TO_FOUR)));
    assertTrue(outside.error().contains("'replicas' (5) must lie within"), outside.error());
    var upside =
        assertInstanceOf(
            ModelReply.Rejected.class, deploy(spec(1, new AutoscalingSpec(3, 2, 1, 0, 0, 0, 0))));
    assertTrue(upside.error().contains("'autoscaling.min_replicas' (3)"), upside.error());
    var twoTargets =
        assertInstanceOf(
            ModelReply.Rejected.class, deploy(spec(1, new AutoscalingSpec(1, 2, 1, 50, 0, 0, 0))));
    assertTrue(twoTargets.error().contains("exactly one target"), twoTargets.error());
  }

  @Test
  void deploymentsJournalledBeforeAutoscalingReplay() throws Exception {
    ModelEvent.DeploymentSet event =
        new ModelEvent.DeploymentSet(
            spec(2, ONE_TO_FOUR),
            new EventMeta(Instant.parse("2026-01-01T00:00:00Z"), "ops", "r-1", "test"));
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    assertEquals(
        event,
        serialization
            .deserialize(serializer.toBinary(event), serializer.identifier(), manifest)
            .get());
    ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(serializer.toBinary(event));
    ((ObjectNode) tree.get("spec")).remove("autoscaling");
    var back =
        (ModelEvent.DeploymentSet)
            serialization
                .deserialize(
                    tree.toString().getBytes(StandardCharsets.UTF_8),
                    serializer.identifier(),
                    manifest)
                .get();
    assertNull(back.spec().autoscaling());
    assertEquals(spec(2, null), back.spec());
  }
}
