package io.modelfleet.protocol.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The alert map's values cross nodes: they read back equal through the cluster's serializer. */
class AlertSerializationTest {
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
  void nodeAlertsAndDriftResetsReadBackEqual() {
    AlertInfo a =
        new AlertInfo(
            "ModelFleetModelOutputDrift",
            "warning",
            AlertInfo.FIRING,
            1000,
            2000,
            Map.of("alertname", "ModelFleetModelOutputDrift", "model", "m", "output", "y"),
            Map.of("summary", "drifted", "description", "PSI 0.4"),
            0.4,
            "pekko://modelfleet@h:1");
    NodeAlerts n = new NodeAlerts("pekko://modelfleet@h:1", List.of(a), 3000);
    assertEquals(n, roundTrip(n));
    DriftReset r = new DriftReset("m", 5, "admin (k-1)");
    assertEquals(r, roundTrip(r));
  }
}
