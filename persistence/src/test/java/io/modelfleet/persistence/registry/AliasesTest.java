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

  private ModelReply setSplit(
      String alias, String version, String canary, int cp, String shadow, int sp) {
    return kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetAlias(alias, version, null, canary, cp, shadow, sp, META, r))
        .reply();
  }

  @Test
  void aSplitIsSetWithTheAliasReplaysAndIsInTheHistory() {
    register("1");
    register("2");
    register("3");
    var result =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetAlias("stable", "1", "1", "2", 10, "3", 50, META, r));
    var event = result.eventOfType(ModelEvent.AliasSet.class);
    assertEquals(
        new AliasTarget("1", null, "2", 10, "3", 50), kit.getState().aliases().get("stable"));
    assertEquals(
        Map.of(
            "alias", "stable",
            "version", "1",
            "canary", "2",
            "canary_percent", 10,
            "shadow", "3",
            "shadow_percent", 50),
        event.toHistory(1).details());
    var again =
        kit.<ModelReply>runCommand(
            r -> new ModelCommand.SetAlias("stable", "1", "1", "2", 10, "3", 50, META, r));
    assertTrue(again.hasNoEvents(), "the same split again writes nothing");
    var state = kit.getState();
    kit.restart();
    assertEquals(state, kit.getState());

    // Setting the alias again without a split removes it.
    set("stable", "1", "1");
    assertEquals(new AliasTarget("1", null), kit.getState().aliases().get("stable"));
  }

  @Test
  void aSplitNamesARegisteredOtherVersionWithAPercentageFrom0To100() {
    register("1");
    register("2");
    var unknown = assertInstanceOf(ModelReply.Rejected.class, setSplit("s", "1", "9", 5, null, 0));
    assertEquals(ModelReply.Rejected.Kind.NOT_FOUND, unknown.kind());
    assertTrue(unknown.error().startsWith("canary.version"), unknown.error());
    var self = assertInstanceOf(ModelReply.Rejected.class, setSplit("s", "1", null, 0, "1", 5));
    assertEquals(ModelReply.Rejected.Kind.INVALID, self.kind());
    assertTrue(self.error().startsWith("shadow.version"), self.error());
    var over = assertInstanceOf(ModelReply.Rejected.class, setSplit("s", "1", "2", 101, null, 0));
    assertEquals(ModelReply.Rejected.Kind.INVALID, over.kind());
    assertTrue(over.error().startsWith("canary.percent"), over.error());
    assertTrue(kit.getState().aliases().isEmpty());
  }

  @Test
  void anAliasSetFromBeforeSplitsReadsBackWithNone() {
    var event = new ModelEvent.AliasSet("stable", "2", "1", "3", 5, null, 0, EventMeta.of(META));
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    String json = new String(serializer.toBinary(event), StandardCharsets.UTF_8);
    String old = json.replaceAll(",\"(canary|canaryPercent|shadow|shadowPercent)\":[^,}]*", "");
    assertTrue(!old.contains("anary") && !old.contains("hadow"), old);
    var back =
        assertInstanceOf(
            ModelEvent.AliasSet.class,
            serialization
                .deserialize(
                    old.getBytes(StandardCharsets.UTF_8), serializer.identifier(), manifest)
                .get());
    assertEquals(new AliasTarget("2", "1"), back.target());
  }
}
