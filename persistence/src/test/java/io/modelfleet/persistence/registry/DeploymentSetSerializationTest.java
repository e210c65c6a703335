package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A deployment's warm-up samples are journalled with it (Jackson, as configured for every
 * FleetSerializable), and journals written before samples existed still replay.
 */
class DeploymentSetSerializationTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(kit.system()));
  private static final EventMeta META =
      new EventMeta(Instant.parse("2026-01-01T00:00:00Z"), "ops", "r-1", "test");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object read(Serializer serializer, byte[] bytes, String manifest) {
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void warmupSamplesRoundTrip() {
    DeploymentSpec spec =
        new DeploymentSpec(
            "1",
            2,
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
                            new long[] {2, 1},
                            WarmupSample.Fill.DATA,
                            new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}))),
                new WarmupSample(
                    "noise",
                    1,
                    0,
                    List.of(
                        new WarmupSample.Input(
                            "s",
                            DataType.BYTES,
                            new long[] {1},
                            WarmupSample.Fill.RANDOM,
                            null)))));
    ModelEvent.DeploymentSet event = new ModelEvent.DeploymentSet(spec, META);
    Serializer serializer = serialization.findSerializerFor(event);
    Object back =
        read(serializer, serializer.toBinary(event), Serializers.manifestFor(serializer, event));
    assertEquals(event, back);
  }

  @Test
  void eventsWrittenBeforeWarmupSamplesStillReplay() throws Exception {
    ModelEvent.DeploymentSet event =
        new ModelEvent.DeploymentSet(new DeploymentSpec("3", 1, DeviceKind.AUTO), META);
    Serializer serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree = (ObjectNode) json.readTree(serializer.toBinary(event));
    ObjectNode spec = (ObjectNode) tree.get("spec");
    assertTrue(spec.has("warmup"), tree.toString());
    assertTrue(spec.has("responseCache"), tree.toString());
    // As the journal holds them: without the response cache and warmup, and the oldest also
    // without batching and session.
    spec.remove(List.of("responseCache", "warmup", "batching", "session"));
    byte[] old = tree.toString().getBytes(StandardCharsets.UTF_8);
    ModelEvent.DeploymentSet back = (ModelEvent.DeploymentSet) read(serializer, old, manifest);
    assertEquals(event, back);
    assertEquals(List.of(), back.spec().warmup());
    assertEquals(BatchingSpec.NONE, back.spec().batching());
    assertEquals(ResponseCacheSpec.OFF, back.spec().responseCache());
  }

  @Test
  void theResponseCacheOptInRoundTrips() {
    DeploymentSpec spec =
        new DeploymentSpec(
            "2",
            1,
            DeviceKind.CPU,
            BatchingSpec.NONE,
            SessionSpec.DEFAULTS,
            List.of(),
            ResponseCacheSpec.ON);
    ModelEvent.DeploymentSet event = new ModelEvent.DeploymentSet(spec, META);
    Serializer serializer = serialization.findSerializerFor(event);
    ModelEvent.DeploymentSet back =
        (ModelEvent.DeploymentSet)
            read(
                serializer, serializer.toBinary(event), Serializers.manifestFor(serializer, event));
    assertEquals(event, back);
    assertTrue(back.spec().responseCache().enable());
  }
}
