package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.nio.charset.StandardCharsets;
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

/** A version's stability checks: command, event, replay, and journals from before them. */
class ValidationsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final RequestMeta META = new RequestMeta("alice", "req-7", "checks");
  private static final List<TensorSpec> IO =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
  private static final ValidationSample ONES =
      new ValidationSample(
          "ones",
          List.of(new Tensor("x", DataType.FP32, new long[] {1, 1}, new byte[] {0, 0, -128, 63})),
          List.of(new Tensor("y", DataType.FP32, new long[] {1, 1}, new byte[] {0, 0, 0, 64})),
          1e-5,
          1e-4);

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

  private void register(String version) {
    kit.<ModelReply>runCommand(
        r ->
            new ModelCommand.RegisterVersion(
                version, "sha256:" + version.repeat(64).substring(0, 64), 1, IO, IO, META, r));
  }

  @Test
  void setStoresTheSamplesOnTheVersionWithWhoAndReplaysToTheSameState() {
    register("1");
    var result =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetValidation("1", List.of(ONES), META, r));
    var event = result.eventOfType(ModelEvent.ValidationSet.class);
    assertEquals("alice", event.meta().principal());
    var view = assertInstanceOf(ModelReply.Current.class, result.reply()).model();
    assertEquals(List.of(ONES), view.versions().get("1").validation());

    ModelState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());

    var entry = event.toHistory(3);
    assertEquals("ValidationSet", entry.event());
    assertEquals(Map.of("version", "1", "samples", List.of("ones")), entry.details());
  }

  @Test
  void theSameSamplesAgainWriteNothingAndAnEmptyListRemovesThem() {
    register("1");
    kit.<ModelReply>runCommand(r -> new ModelCommand.SetValidation("1", List.of(ONES), META, r));
    var again =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetValidation("1", List.of(ONES), META, r));
    assertTrue(again.hasNoEvents());
    kit.<ModelReply>runCommand(r -> new ModelCommand.SetValidation("1", List.of(), META, r));
    assertTrue(kit.getState().versions().get("1").validation().isEmpty());
  }

  @Test
  void aFailedValidationIsRecordedUntaggedWithTheReasonAndChangesNothing() {
    register("1");
    ModelState before = kit.getState();
    var result =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RecordValidationFailure(
                    "1", "iris/1/0", "validation sample 'ones': output 'y' element 0", r));
    var event = result.eventOfType(ModelEvent.ValidationFailed.class);
    assertEquals(before, kit.getState());
    assertEquals(Validations.PRINCIPAL, event.meta().principal());
    var entry = event.toHistory(4);
    assertEquals("ValidationFailed", entry.event());
    assertEquals("validation sample 'ones': output 'y' element 0", entry.reason());
    assertEquals(Map.of("version", "1", "replica", "iris/1/0"), entry.details());
    assertTrue(
        ModelEntity.create("iris", RegistrySettings.fromConfig(ConfigFactory.load()))
            .tagsFor(event)
            .isEmpty());
  }

  @Test
  void anUnknownVersionIsNotFound() {
    register("1");
    var reply =
        kit.<ModelReply>runCommand(r -> new ModelCommand.SetValidation("9", List.of(ONES), META, r))
            .reply();
    assertEquals(
        ModelReply.Rejected.Kind.NOT_FOUND,
        assertInstanceOf(ModelReply.Rejected.class, reply).kind());
  }

  @Test
  void eventsAndSnapshotsRoundTripAndOldVersionsReadBackWithoutSamples() {
    register("1");
    kit.<ModelReply>runCommand(r -> new ModelCommand.SetValidation("1", List.of(ONES), META, r));
    ModelState saved = kit.getState();
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(saved);
    String manifest = Serializers.manifestFor(serializer, saved);
    byte[] bytes = serializer.toBinary(saved);
    assertEquals(saved, serialization.deserialize(bytes, serializer.identifier(), manifest).get());

    VersionInfo plain = new VersionInfo("2", "sha256:" + "2".repeat(64), 1, IO, IO, null, "bob");
    var registered = new ModelEvent.VersionRegistered(plain, EventMeta.of(META));
    Serializer vs = serialization.findSerializerFor(registered);
    String json = new String(vs.toBinary(registered), StandardCharsets.UTF_8);
    assertTrue(json.contains(",\"validation\":[]"), json);
    String old = json.replace(",\"validation\":[]", "");
    var back =
        (ModelEvent.VersionRegistered)
            serialization
                .deserialize(
                    old.getBytes(StandardCharsets.UTF_8),
                    vs.identifier(),
                    Serializers.manifestFor(vs, registered))
                .get();
    assertEquals(plain, back.version());
  }
}
