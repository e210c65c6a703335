package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import io.modelfleet.protocol.rollout.RolloutWindow;
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

/** Rollouts in the registry: commands, the routing their events apply, replay and snapshots. */
class RolloutsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final RequestMeta ALICE = new RequestMeta("alice", "req-1", null);
  private static final RequestMeta CONTROLLER =
      new RequestMeta(Rollouts.CONTROLLER, null, "analysis passed");
  private static final List<TensorSpec> IO =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final RolloutAnalysis ANALYSIS =
      new RolloutAnalysis(1000, 20, 0.01, null, 3.0, null, null, 60_000);
  private static final RolloutWindow NUMBERS =
      new RolloutWindow(Instant.EPOCH, 2000, 40, 1, 3.5, 120, 0, 2.0, 0, 0, 0, Map.of(), Map.of());

  private EventSourcedBehaviorTestKit<ModelCommand, ModelEvent, ModelState> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ModelEntity.create("iris", RegistrySettings.fromConfig(ConfigFactory.load())));
    for (String v : List.of("1", "2")) {
      kit.<ModelReply>runCommand(
          r -> new ModelCommand.RegisterVersion(v, "sha256:" + v.repeat(64), 1, IO, IO, ALICE, r));
    }
    kit.<ModelReply>runCommand(
        r -> new ModelCommand.Deploy(new DeploymentSpec("1", 2, DeviceKind.CPU), ALICE, r));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static RolloutSpec canary(String version, int shadow) {
    return new RolloutSpec(
        version,
        "stable",
        RolloutStrategy.CANARY,
        List.of(new RolloutStep(25, 1000), new RolloutStep(100, 1000)),
        0,
        ANALYSIS,
        shadow);
  }

  private ModelReply start(RolloutSpec spec, String servingNow) {
    return kit.<ModelReply>runCommand(
            r -> new ModelCommand.StartRollout(spec, servingNow, ALICE, r))
        .reply();
  }

  private ModelReply change(RolloutChange change, int step) {
    RequestMeta meta = step == RolloutChange.ANY_STEP ? ALICE : CONTROLLER;
    return kit.<ModelReply>runCommand(
            r -> new ModelCommand.ChangeRollout("1", change, step, NUMBERS, meta, r))
        .reply();
  }

  private static ModelView view(ModelReply reply) {
    return assertInstanceOf(ModelReply.Current.class, reply).model();
  }

  private static ModelReply.Rejected rejected(ModelReply reply, ModelReply.Rejected.Kind kind) {
    var r = assertInstanceOf(ModelReply.Rejected.class, reply);
    assertEquals(kind, r.kind(), r.error());
    return r;
  }

  @Test
  void aCanaryMovesTheSplitStepByStepAndPromotionPointsTheAliasAtTheCandidate() {
    ModelView started = view(start(canary("2", 50), "1"));
    Rollout r = started.activeRollout().orElseThrow();
    assertEquals("1", r.id());
    assertEquals("1", r.baseline());
    assertEquals(-1, r.step());
    assertEquals("waiting for ready", r.phase());
    assertEquals(2, r.spec().replicas(), "the baseline's replicas");
    assertEquals(new DeploymentSpec("2", 2, DeviceKind.CPU), started.deployments().get("2"));
    assertEquals(new AliasTarget("1", null), started.aliases().get("stable"));

    ModelView step1 = view(change(RolloutChange.ADVANCE, -1));
    assertEquals(new AliasTarget("1", null, "2", 25, "2", 50), step1.aliases().get("stable"));
    assertEquals("step 1 of 2", step1.rollouts().get(0).phase());
    // The same decision again (a retry) writes nothing.
    var again =
        kit.<ModelReply>runCommand(
            c ->
                new ModelCommand.ChangeRollout(
                    "1", RolloutChange.ADVANCE, -1, null, CONTROLLER, c));
    assertTrue(again.hasNoEvents());

    ModelView step2 = view(change(RolloutChange.ADVANCE, 0));
    // At 100 % the baseline answers nothing to mirror.
    assertEquals(new AliasTarget("1", null, "2", 100, null, 0), step2.aliases().get("stable"));
    assertTrue(
        kit.<ModelReply>runCommand(
                c ->
                    new ModelCommand.ChangeRollout(
                        "1", RolloutChange.ADVANCE, 1, null, CONTROLLER, c))
            .hasNoEvents(),
        "no step after the last");

    ModelView promoted = view(change(RolloutChange.PROMOTE, 1));
    assertEquals(new AliasTarget("2", "1"), promoted.aliases().get("stable"));
    Rollout done = promoted.rollouts().get(0);
    assertEquals(RolloutState.PROMOTED, done.state());
    assertEquals("retiring", done.phase());
    assertEquals(NUMBERS, done.decided());
    assertTrue(promoted.deployments().containsKey("1"), "the baseline stays until retired");

    var retired =
        kit.<ModelReply>runCommand(
            c -> new ModelCommand.ChangeRollout("1", RolloutChange.RETIRE, 1, null, CONTROLLER, c));
    var event = retired.eventOfType(ModelEvent.RolloutRetired.class);
    assertEquals("1", event.version());
    assertTrue(event.removed());
    assertFalse(kit.getState().deployments().containsKey("1"));
    assertTrue(kit.getState().rollouts().get(0).retired());
    assertEquals("done", kit.getState().rollouts().get(0).phase());

    ModelState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
  }

  @Test
  void aVersionWhoseSignatureDiffersCannotTakeTheBaselinesTraffic() {
    List<TensorSpec> ints = List.of(new TensorSpec("x", DataType.INT64, List.of(-1L, 4L)));
    List<TensorSpec> other = List.of(new TensorSpec("z", DataType.FP32, List.of(-1L, 4L)));
    kit.<ModelReply>runCommand(
        r ->
            new ModelCommand.RegisterVersion(
                "3", "sha256:" + "3".repeat(64), 1, ints, IO, ALICE, r));
    kit.<ModelReply>runCommand(
        r ->
            new ModelCommand.RegisterVersion(
                "4", "sha256:" + "4".repeat(64), 1, IO, other, ALICE, r));
    var types = rejected(start(canary("3", 0), "1"), ModelReply.Rejected.Kind.CONFLICT);
    assertEquals(
        "input 'x' is FP32 [-1, 4] in version '1' but INT64 [-1, 4] in version '3';"
            + " a rollout needs the same signature",
        types.error());
    var outputs = rejected(start(canary("4", 0), "1"), ModelReply.Rejected.Kind.CONFLICT);
    assertEquals(
        "version '4' has no output 'x' that version '1' has; a rollout needs the same signature",
        outputs.error());
    assertTrue(kit.getState().rollouts().isEmpty(), "nothing started");
  }

  @Test
  void aRollbackClearsTheSplitAndRetiresTheCandidate() {
    start(canary("2", 0), "1");
    change(RolloutChange.ADVANCE, -1);
    ModelView back = view(change(RolloutChange.ROLL_BACK, 0));
    assertEquals(new AliasTarget("1", null), back.aliases().get("stable"));
    assertEquals(RolloutState.ROLLED_BACK, back.rollouts().get(0).state());
    change(RolloutChange.RETIRE, 0);
    assertFalse(kit.getState().deployments().containsKey("2"));
    assertTrue(kit.getState().deployments().containsKey("1"));
  }

  @Test
  void aPersonPausesResumesAndAbortsAndIsRefusedWhatTheStateDoesNotAllow() {
    start(canary("2", 0), "1");
    change(RolloutChange.ADVANCE, -1);
    assertEquals(
        RolloutState.PAUSED,
        view(change(RolloutChange.PAUSE, RolloutChange.ANY_STEP)).rollouts().get(0).state());
    var twice =
        rejected(
            change(RolloutChange.PAUSE, RolloutChange.ANY_STEP), ModelReply.Rejected.Kind.CONFLICT);
    assertTrue(twice.error().contains("is PAUSED"), twice.error());
    // The controller does not judge a paused rollout: its decision is a no-op.
    assertEquals(
        RolloutState.PAUSED, view(change(RolloutChange.ADVANCE, 0)).rollouts().get(0).state());
    assertEquals(
        RolloutState.PROGRESSING,
        view(change(RolloutChange.RESUME, RolloutChange.ANY_STEP)).rollouts().get(0).state());
    var resumed = kit.getState().rollouts().get(0);
    assertEquals(0, resumed.step());
    ModelView aborted = view(change(RolloutChange.ABORT, RolloutChange.ANY_STEP));
    assertEquals(RolloutState.ABORTED, aborted.rollouts().get(0).state());
    assertEquals(new AliasTarget("1", null), aborted.aliases().get("stable"));
    rejected(
        change(RolloutChange.PROMOTE, RolloutChange.ANY_STEP), ModelReply.Rejected.Kind.CONFLICT);
    rejected(
        change(RolloutChange.RESUME, RolloutChange.ANY_STEP), ModelReply.Rejected.Kind.CONFLICT);
  }

  @Test
  void oneActiveRolloutPerModelNotOfTheBaselineAndTheAliasIsHeld() {
    var baseline = rejected(start(canary("1", 0), "1"), ModelReply.Rejected.Kind.CONFLICT);
    assertTrue(baseline.error().contains("baseline"), baseline.error());
    rejected(start(canary("7", 0), "1"), ModelReply.Rejected.Kind.NOT_FOUND);
    rejected(start(canary("2", 0), null), ModelReply.Rejected.Kind.CONFLICT);
    start(canary("2", 0), "1");
    var second = rejected(start(canary("2", 0), "1"), ModelReply.Rejected.Kind.CONFLICT);
    assertTrue(second.error().contains("active rollout 1"), second.error());
    var alias =
        kit.<ModelReply>runCommand(r -> new ModelCommand.SetAlias("stable", "2", "1", ALICE, r))
            .reply();
    var held = rejected(alias, ModelReply.Rejected.Kind.CONFLICT);
    assertTrue(held.error().contains("being rolled out"), held.error());
    var undeploy =
        kit.<ModelReply>runCommand(r -> new ModelCommand.Undeploy("1", ALICE, r)).reply();
    assertTrue(
        rejected(undeploy, ModelReply.Rejected.Kind.CONFLICT).error().contains("is in rollout 1"));
    rejected(
        kit.<ModelReply>runCommand(
                r ->
                    new ModelCommand.ChangeRollout(
                        "9", RolloutChange.ABORT, RolloutChange.ANY_STEP, null, ALICE, r))
            .reply(),
        ModelReply.Rejected.Kind.NOT_FOUND);
  }

  @Test
  void theHistoryShowsTheDecisionWithItsNumbers() {
    start(canary("2", 0), "1");
    var step =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.ChangeRollout(
                    "1", RolloutChange.ADVANCE, -1, NUMBERS, CONTROLLER, r));
    var entry = step.eventOfType(ModelEvent.RolloutStepStarted.class).toHistory(7);
    assertEquals("RolloutStepStarted", entry.event());
    assertEquals(Rollouts.CONTROLLER, entry.principal());
    assertEquals("analysis passed", entry.reason());
    assertEquals(1, entry.details().get("step"));
    assertEquals(25, entry.details().get("percent"));
    assertEquals(40L, entry.details().get("candidate_requests"));
    assertEquals(3.5, entry.details().get("candidate_p99_ms"));
  }

  @Test
  void aSnapshotFromBeforeRolloutsReadsBackWithNone() {
    ModelState saved = kit.getState();
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(saved);
    String manifest = Serializers.manifestFor(serializer, saved);
    String json = new String(serializer.toBinary(saved), StandardCharsets.UTF_8);
    assertTrue(json.contains(",\"rollouts\":[]"), json);
    String old = json.replace(",\"rollouts\":[]", "");
    ModelState back =
        assertInstanceOf(
            ModelState.class,
            serialization
                .deserialize(
                    old.getBytes(StandardCharsets.UTF_8), serializer.identifier(), manifest)
                .get());
    assertEquals(saved, back);
    assertTrue(back.rollouts().isEmpty());
  }
}
