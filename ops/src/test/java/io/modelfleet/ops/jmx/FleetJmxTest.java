package io.modelfleet.ops.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Which MBeans exist when: models as they appear and go, replicas as they open and close. */
class FleetJmxTest {
  private final MBeanServer server = MBeanServerFactory.newMBeanServer();
  private final ModelWindows windows = new ModelWindows(Duration.ofSeconds(60), 12, () -> 0L);
  private final JmxNames names = JmxNames.single();
  private final FleetJmx jmx =
      new FleetJmx(
          server,
          names,
          new DirectoryView(),
          windows,
          () -> new ClusterSnapshot("a", List.of(), Optional.empty(), List.of()));

  private static ReplicaInfo entry(String model) {
    return new ReplicaInfo(
        model + "/1/0", model, "1", "a", "cpu", ReplicaState.READY, null, null, 0, 0);
  }

  @Test
  void modelsInTheDirectoryOrServedHereHaveAnMBeanAndOthersNone() {
    jmx.refreshModels(List.of(entry("elsewhere")));
    assertTrue(server.isRegistered(names.model("elsewhere")));
    windows.open("here", "1", "here/1/0", "cpu").closed();
    jmx.refreshModels(List.of());
    assertFalse(server.isRegistered(names.model("elsewhere")), "gone from the directory");
    assertTrue(server.isRegistered(names.model("here")), "served here: its totals stay");
  }

  @Test
  void aReplicaIsRegisteredWhileItServesAndAStaleOneGivesWay() throws Exception {
    ObjectName name = names.replica("demo", "1", "demo/1/0");
    ReplicaObserver first = jmx.open("demo", "1", "demo/1/0", "cpu");
    assertTrue(server.isRegistered(name));
    assertTrue(server.isRegistered(names.model("demo")), "its model's MBean comes with it");

    // The same id opens again without the first having closed (it crashed): the new one wins,
    // and the first one's late close leaves it alone.
    ReplicaObserver second = jmx.open("demo", "1", "demo/1/0", "gpu:0");
    assertEquals("gpu:0", server.getAttribute(name, "Device"));
    first.closed();
    assertTrue(server.isRegistered(name));
    second.closed();
    assertFalse(server.isRegistered(name));
  }
}
