package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.tensor.DataType;
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

/** The registry's aliases: commands, events, replay, and snapshots from before aliases. */
class AliasesTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final RequestMeta META = new RequestMeta("alice", "req-9", "switch");
  private static final List<TensorSpec> IO =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));

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

  private ModelReply set(String alias, String version, String previous) {
    return kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetAlias(alias, version, previous, META, r))
        .reply();
  }

  @Test
  void setRecordsTargetAndPreviousWithWhoAndReplaysToTheSameState() {
    register("1");
    register("2");
    var first =
        kit.<ModelReply>runCommand(r -> new ModelCommand.SetAlias("stable", "1", null, META, r));
    var event = first.eventOfType(ModelEvent.AliasSet.class);
    assertEquals("alice", event.meta().principal());
    assertEquals("req-9", event.meta().requestId());
    var view = assertInstanceOf(ModelReply.Current.class, first.reply()).model();
    assertEquals(Map.of("stable", new AliasTarget("1", null)), view.aliases());

    set("stable", "2", "1");
    assertEquals(new AliasTarget("2", "1"), kit.getState().aliases().get("stable"));
    var history = kit.getState();
    kit.restart();
    assertEquals(history, kit.getState());

    var entry = new ModelEvent.AliasSet("stable", "2", "1", event.meta()).toHistory(5);
    assertEquals("AliasSet", entry.event());
    assertEquals(Map.of("alias", "stable", "version", "2", "previous", "1"), entry.details());
  }

  @Test
  void sameTargetAgainWritesNothing() {
    register("1");
    set("stable", "1", null);
    var again =
        kit.<ModelReply>runCommand(r -> new ModelCommand.SetAlias("stable", "1", "1", META, r));
    assertTrue(again.hasNoEvents());
  }

  @Test
  void removeDeletesTheAliasAndAnUnknownOneIsNotFound() {
    register("1");
    set("canary", "1", null);
    var removed = kit.<ModelReply>runCommand(r -> new ModelCommand.RemoveAlias("canary", META, r));
    assertEquals("canary", removed.eventOfType(ModelEvent.AliasRemoved.class).alias());
    assertTrue(kit.getState().aliases().isEmpty());
    var again = kit.<ModelReply>runCommand(r -> new ModelCommand.RemoveAlias("canary", META, r));
    assertEquals(
        ModelReply.Rejected.Kind.NOT_FOUND,
        assertInstanceOf(ModelReply.Rejected.class, again.reply()).kind());
    kit.restart();
    assertTrue(kit.getState().aliases().isEmpty());
  }

  @Test
  void aliasesAndVersionsNeverShareAName() {
    register("1");
    var clash = assertInstanceOf(ModelReply.Rejected.class, set("1", "1", null));
    assertEquals(ModelReply.Rejected.Kind.CONFLICT, clash.kind());
    assertTrue(clash.error().contains("clashes with version '1'"), clash.error());

    set("blue", "1", null);
    var register =
        kit.<ModelReply>runCommand(
            r ->
                new ModelCommand.RegisterVersion(
                    "blue", "sha256:" + "b".repeat(64), 1, IO, IO, META, r));
    var refused = assertInstanceOf(ModelReply.Rejected.class, register.reply());
    assertEquals(ModelReply.Rejected.Kind.CONFLICT, refused.kind());
    assertTrue(refused.error().contains("alias 'blue'"), refused.error());
  }

  @Test
  void unknownVersionOrModelIsNotFoundAndABadNameIsInvalid() {
    var noModel = assertInstanceOf(ModelReply.Rejected.class, set("stable", "1", null));
    assertEquals(ModelReply.Rejected.Kind.NOT_FOUND, noModel.kind());
    register("1");
    var noVersion = assertInstanceOf(ModelReply.Rejected.class, set("stable", "7", null));
    assertEquals(ModelReply.Rejected.Kind.NOT_FOUND, noVersion.kind());
    var bad = assertInstanceOf(ModelReply.Rejected.class, set("-x", "1", null));
    assertEquals(ModelReply.Rejected.Kind.INVALID, bad.kind());
  }

  @Test
  void aSnapshotFromBeforeAliasesReadsBackWithNone() {
    register("1");
    ModelState saved = kit.getState();
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(saved);
    String manifest = Serializers.manifestFor(serializer, saved);
    String json = new String(serializer.toBinary(saved), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"aliases\":{}"), json);
    String old = json.replace(",\"aliases\":{}", "");
    ModelState back =
        assertInstanceOf(
            ModelState.class,
            serialization
                .deserialize(
                    old.getBytes(StandardCharsets.UTF_8), serializer.identifier(), manifest)
                .get());
    assertEquals(saved, back);
    assertNull(back.aliases().get("stable"));
  }
}
