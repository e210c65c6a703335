package io.modelfleet.protocol.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A node's load answer crosses nodes: its counters and buckets read back as they were. */
class LoadSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    Serialization s = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = s.findSerializerFor(o);
    byte[] bytes = serializer.toBinary(o);
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
        .get();
  }

  @Test
  void nodeLoadReadsBackWithItsBuckets() {
    long[] latency = new long[LatencyBuckets.COUNT];
    latency[3] = 7;
    long[] abs = new long[DiffBuckets.COUNT];
    abs[40] = 2;
    NodeLoad n =
        new NodeLoad(
            "pekko://modelfleet@h:1",
            List.of(new VersionLoad("m", "1", 2, 5, 100, 3, 1, latency, 12345)),
            List.of(new ShadowLoad("m", "1", "2", 10, 8, 1, 1, Map.of("y", abs), Map.of())));
    NodeLoad back = (NodeLoad) roundTrip(n);
    assertEquals(n.node(), back.node());
    VersionLoad v = back.versions().get(0);
    assertEquals(100, v.requests());
    assertEquals(3, v.errors());
    assertEquals(12345, v.queueNanos());
    assertArrayEquals(latency, v.latency());
    ShadowLoad s = back.shadows().get(0);
    assertEquals(8, s.compared());
    assertArrayEquals(abs, s.absDiff().get("y"));
    assertEquals(Map.of(), s.relDiff());
  }
}
