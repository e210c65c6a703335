package io.modelfleet.ops.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.observe.FailureReason;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/**
 * What a JMX client sees: the MBeans registered in an MBean server and read through it, so every
 * attribute arrives as an open type (no ModelFleet class needed on the client's side).
 */
class MBeanAttributesTest {
  private static final long MS = 1_000_000L;
  private static final String A = "pekko://modelfleet@10.0.0.1:25520";
  private static final String B = "pekko://modelfleet@10.0.0.2:25520";
  private static final String GONE = "pekko://modelfleet@10.0.0.9:25520";

  private final MBeanServer server = MBeanServerFactory.newMBeanServer();
  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final ModelWindows windows = new ModelWindows(Duration.ofSeconds(60), 12, now::get);
  private final DirectoryView directory = new DirectoryView();
  private final ClusterSnapshot snapshot =
      new ClusterSnapshot(
          A,
          List.of("gateway", "worker"),
          Optional.of(A),
          List.of(
              new ClusterSnapshot.Member(A, "Up", List.of("gateway", "worker"), true),
              new ClusterSnapshot.Member(B, "Up", List.of("worker"), false),
              new ClusterSnapshot.Member(GONE, "Down", List.of("worker"), false)));
  private final ClusterSource cluster = () -> snapshot;
  private final JmxNames names = JmxNames.single();

  private static ReplicaInfo entry(String id, String version, String node, ReplicaState state) {
    return new ReplicaInfo(id, "demo", version, node, "cpu", state, null, null, 0, 0);
  }

  @Test
  void theModelMBeanCountsClusterReplicasAndThisNodesRequests() throws Exception {
    directory.replaceReplicas(
        Map.of(
            "demo/1/0", entry("demo/1/0", "1", A, ReplicaState.READY),
            "demo/1/1", entry("demo/1/1", "1", B, ReplicaState.READY),
            "demo/2/0", entry("demo/2/0", "2", B, ReplicaState.LOADING),
            "demo/1/2", entry("demo/1/2", "1", GONE, ReplicaState.READY),
            "other/1/0",
                new ReplicaInfo(
                    "other/1/0", "other", "1", A, "cpu", ReplicaState.READY, null, null, 0, 0)));
    ReplicaObserver v1 = windows.open("demo", "1", "demo/1/0", "cpu");
    ReplicaObserver v10 = windows.open("demo", "10", "demo/10/0", "cpu");
    for (int i = 0; i < 9; i++) {
      v1.succeeded(2 * MS);
    }
    v1.failed(FailureReason.BACKEND, 2 * MS);
    v10.succeeded(50 * MS);
    v1.pending(3);
    ObjectName name = names.model("demo");
    server.registerMBean(new ModelView("demo", directory, windows, cluster), name);

    assertEquals("demo", server.getAttribute(name, "Name"));
    assertEquals(2, server.getAttribute(name, "ReadyReplicas"), "the Down member's is not counted");
    assertEquals(3, server.getAttribute(name, "Replicas"));
    assertEquals(2, server.getAttribute(name, "LocalReplicas"));
    assertArrayEquals(
        new String[] {"1", "2", "10"}, (String[]) server.getAttribute(name, "Versions"));
    TabularData byState = (TabularData) server.getAttribute(name, "ReplicasByState");
    assertEquals(1, byState.get(new Object[] {"LOADING"}).get("value"));
    assertEquals(2, byState.get(new Object[] {"READY"}).get("value"));
    assertEquals(11L, server.getAttribute(name, "RequestsInWindow"));
    assertEquals(1L, server.getAttribute(name, "FailuresInWindow"));
    assertEquals(1 / 11.0, (double) server.getAttribute(name, "ErrorRatio"), 1e-9);
    assertEquals(11L, server.getAttribute(name, "RequestsTotal"));
    assertEquals(1L, server.getAttribute(name, "FailuresTotal"));
    assertEquals(3, server.getAttribute(name, "Pending"));
    assertEquals(60L, server.getAttribute(name, "WindowSeconds"));
    double p50 = (double) server.getAttribute(name, "LatencyP50Ms");
    double p99 = (double) server.getAttribute(name, "LatencyP99Ms");
    assertTrue(p50 >= 50 && p50 <= 60, "the slowest version's p50: " + p50);
    assertTrue(p99 >= 50 && p99 <= 60, "p99 " + p99);

    CompositeData[] versions = (CompositeData[]) server.getAttribute(name, "VersionStatistics");
    assertEquals(2, versions.length);
    assertEquals("1", versions[0].get("version"));
    assertEquals(10L, versions[0].get("requestsInWindow"));
    assertEquals(1L, versions[0].get("failuresInWindow"));
    assertEquals(3, versions[0].get("pending"));
    double v1p99 = (double) versions[0].get("latencyP99Ms");
    assertTrue(v1p99 >= 2 && v1p99 <= 2.4, "v1 p99 " + v1p99);
    assertEquals("10", versions[1].get("version"));

    now.addAndGet(61_000 * MS);
    assertEquals(0L, server.getAttribute(name, "RequestsInWindow"));
    assertEquals(0.0, server.getAttribute(name, "LatencyP99Ms"));
    assertEquals(11L, server.getAttribute(name, "RequestsTotal"));
  }

  @Test
  void theNodeMBeanShowsDevicesAndRunsItsOperations() throws Exception {
    directory.replaceDraining(Set.of(A));
    windows.open("demo", "1", "demo/1/0", "cpu");
    windows.open("other", "1", "other/1/0", "cpu");
    AtomicBoolean drained = new AtomicBoolean();
    NodeControl control =
        new NodeControl() {
          @Override
          public String drain() {
            drained.set(true);
            return "node is to be drained";
          }

          @Override
          public String cancelDrain() {
            return "cancelled";
          }
        };
    DeviceSource devices =
        () ->
            List.of(
                new DeviceInfo("cpu", "cpu", "CPU", null, 0, 0, -1, false),
                new DeviceInfo("gpu:0", "gpu", "H200", "GPU-1", 100, 40, 37, false));
    ObjectName name = names.node();
    Instant started = Instant.ofEpochMilli(1_000_000);
    server.registerMBean(
        new NodeView(cluster, devices, control, directory, windows, started, () -> 1_090_500),
        name);

    assertEquals(A, server.getAttribute(name, "Address"));
    assertArrayEquals(
        new String[] {"gateway", "worker"}, (String[]) server.getAttribute(name, "Roles"));
    assertEquals(true, server.getAttribute(name, "Draining"));
    assertEquals(90L, server.getAttribute(name, "UptimeSeconds"));
    assertEquals("1970-01-01T00:16:40Z", server.getAttribute(name, "StartTime"));
    assertEquals(2, server.getAttribute(name, "LocalReplicas"));
    CompositeData[] d = (CompositeData[]) server.getAttribute(name, "Devices");
    assertEquals("cpu", d[0].get("id"));
    assertEquals("", d[0].get("uuid"));
    assertEquals("gpu:0", d[1].get("id"));
    assertEquals(100L, d[1].get("memoryTotalBytes"));
    assertEquals(60L, d[1].get("memoryUsedBytes"));
    assertEquals(40L, d[1].get("memoryFreeBytes"));
    assertEquals(37, d[1].get("utilizationPercent"));
    assertEquals(false, d[1].get("simulated"));

    assertEquals("node is to be drained", server.invoke(name, "drain", null, null));
    assertTrue(drained.get());
    assertEquals("cancelled", server.invoke(name, "cancelDrain", null, null));
  }

  @Test
  void theClusterMBeanShowsMembersLeaderAndUnreachable() throws Exception {
    directory.replaceDraining(Set.of(B));
    ObjectName name = names.cluster();
    server.registerMBean(new ClusterView(cluster, directory), name);

    assertEquals(A, server.getAttribute(name, "SelfAddress"));
    assertEquals(A, server.getAttribute(name, "Leader"));
    assertEquals(true, server.getAttribute(name, "IsLeader"));
    assertEquals(3, server.getAttribute(name, "MemberCount"));
    assertEquals(2, server.getAttribute(name, "UpMembers"));
    assertArrayEquals(new String[] {B, GONE}, (String[]) server.getAttribute(name, "Unreachable"));
    assertEquals(2, server.getAttribute(name, "UnreachableCount"));
    assertArrayEquals(new String[] {B}, (String[]) server.getAttribute(name, "Draining"));
    CompositeData[] members = (CompositeData[]) server.getAttribute(name, "Members");
    assertEquals(A, members[0].get("address"));
    assertEquals(true, members[0].get("leader"));
    assertEquals(true, members[0].get("reachable"));
    assertArrayEquals(new String[] {"gateway", "worker"}, (String[]) members[0].get("roles"));
    assertEquals(B, members[1].get("address"));
    assertEquals(true, members[1].get("draining"));
    assertEquals(false, members[1].get("reachable"));
    assertEquals("Down", members[2].get("status"));
  }

  @Test
  void aReplicaMBeanCountsItsRequestsAndIsRemovedWhenItCloses() throws Exception {
    ObjectName name = names.replica("demo", "1", "demo/1/0");
    ReplicaView view =
        new ReplicaView(
            "demo",
            "1",
            "demo/1/0",
            "gpu:0",
            Instant.ofEpochSecond(0),
            directory,
            closed -> {
              try {
                server.unregisterMBean(name);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    server.registerMBean(view, name);
    view.pending(2);
    view.succeeded(MS);
    view.succeeded(MS);
    view.failed(FailureReason.OTHER, MS);
    assertEquals("READY", server.getAttribute(name, "State"));
    directory.replaceReplicas(Map.of("demo/1/0", entry("demo/1/0", "1", A, ReplicaState.DRAINING)));
    assertEquals("DRAINING", server.getAttribute(name, "State"));
    assertEquals("gpu:0", server.getAttribute(name, "Device"));
    assertEquals(2, server.getAttribute(name, "Pending"));
    assertEquals(3L, server.getAttribute(name, "Requests"));
    assertEquals(1L, server.getAttribute(name, "Failures"));
    assertEquals("1970-01-01T00:00:00Z", server.getAttribute(name, "ServingSince"));
    view.closed();
    assertFalse(server.isRegistered(name));
  }
}
