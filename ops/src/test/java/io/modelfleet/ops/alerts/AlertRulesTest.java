package io.modelfleet.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.alerts.drift.DriftReading;
import io.modelfleet.ops.window.WindowSnapshot;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  private static final String NODE = "pekko://modelfleet@127.0.0.1:25520";
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private final AlertRules rules =
      new AlertRules(
          TestAlertSettings.of(
              "latency.min-requests = 10, errors.min-requests = 10,"
                  + " models { fast { latency-objective = 10ms } }"));

  private static WindowSnapshot window(String model, long requests, long failures, long p99Ms) {
    return new WindowSnapshot(
        model,
        "1",
        Duration.ofSeconds(60),
        requests,
        failures,
        p99Ms * 500_000,
        p99Ms * 900_000,
        p99Ms * 1_000_000,
        0,
        requests,
        failures);
  }

  private static Readings readings(
      List<WindowSnapshot> windows,
      List<QueueReading> queues,
      List<DriftReading> drift,
      List<DeviceInfo> devices,
      boolean leader,
      List<ReplicaInfo> replicas,
      List<MemberProblem> members) {
    return new Readings(NOW, NODE, windows, queues, drift, devices, leader, replicas, members);
  }

  private static Readings ofWindows(WindowSnapshot... w) {
    return readings(List.of(w), List.of(), List.of(), List.of(), false, List.of(), List.of());
  }

  private Condition only(Readings r, String name) {
    List<Condition> found =
        rules.conditions(r).stream().filter(c -> c.name().equals(name)).toList();
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  @Test
  void latencyAboveTheModelsObjectiveWithEnoughRequests() {
    Condition slow = only(ofWindows(window("fast", 50, 0, 20)), AlertRules.LATENCY);
    assertTrue(slow.active(), slow.reason());
    assertEquals(0.02, slow.value(), 1e-9);
    assertEquals("fast", slow.labels().get("model"));
    assertEquals(NODE, slow.labels().get("node"));
    assertTrue(slow.reason().contains("p99 0.02 s"), slow.reason());
    assertTrue(slow.reason().contains("objective 0.01 s"), slow.reason());

    assertFalse(only(ofWindows(window("other", 50, 0, 20)), AlertRules.LATENCY).active());
    Condition few = only(ofWindows(window("fast", 5, 0, 20)), AlertRules.LATENCY);
    assertFalse(few.active(), "too few requests to judge");
    assertTrue(few.reason().contains("too few requests"), few.reason());
  }

  @Test
  void errorRatioAboveItsThreshold() {
    Condition failing = only(ofWindows(window("m", 20, 5, 1)), AlertRules.ERRORS);
    assertTrue(failing.active());
    assertEquals(0.25, failing.value(), 1e-9);
    assertTrue(failing.reason().startsWith("5 of 20 requests failed"), failing.reason());
    assertFalse(only(ofWindows(window("m", 100, 1, 1)), AlertRules.ERRORS).active());
  }

  @Test
  void queueNearItsLimitOnlyWhenTheLimitIsKnown() {
    Readings r =
        readings(
            List.of(),
            List.of(new QueueReading("m", "1", 9, 10), new QueueReading("n", "1", 9, 0)),
            List.of(),
            List.of(),
            false,
            List.of(),
            List.of());
    Condition q = only(r, AlertRules.QUEUE);
    assertTrue(q.active());
    assertEquals("m", q.labels().get("model"));
    assertEquals(0.9, q.value(), 1e-9);
  }

  @Test
  void driftPastTheThresholdCarriesTheOutputAndItsStatistics() {
    DriftReading d = new DriftReading("m", "1", "y", 0.4, 10, 1000, 0, 1, 300, 2, 1);
    Readings r = readings(List.of(), List.of(), List.of(d), List.of(), false, List.of(), List.of());
    Condition c = only(r, AlertRules.DRIFT);
    assertTrue(c.active());
    assertEquals("y", c.labels().get("output"));
    assertTrue(c.reason().contains("PSI 0.4 over 10 bins (threshold 0.25)"), c.reason());
    assertTrue(c.reason().contains("mean 2"), c.reason());
  }

  @Test
  void gpuMemoryNearFullForGpusWithKnownMemoryOnly() {
    DeviceInfo cpu = new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false);
    DeviceInfo full = new DeviceInfo("sim-gpu:0", "gpu", "sim", "SIM-0", 100, 5, -1, true);
    DeviceInfo unknown = new DeviceInfo("gpu:1", "gpu", "x", "U", 0, 0, -1, false);
    Readings r =
        readings(
            List.of(),
            List.of(),
            List.of(),
            List.of(cpu, full, unknown),
            false,
            List.of(),
            List.of());
    Condition c = only(r, AlertRules.GPU_MEMORY);
    assertTrue(c.active());
    assertEquals("sim-gpu:0", c.labels().get("device"));
    assertEquals(0.95, c.value(), 1e-9);
    assertTrue(c.reason().contains("simulated"), c.reason());
  }

  @Test
  void clusterRulesOnlyOnTheLeader() {
    ReplicaInfo pending =
        new ReplicaInfo(
            "m/1/0", "m", "1", null, null, ReplicaState.PENDING, "fits nowhere", null, 0, 0);
    ReplicaInfo retrying =
        new ReplicaInfo(
            "m/1/1", "m", "1", NODE, "cpu", ReplicaState.LOADING, "bad file", null, 0, 0);
    ReplicaInfo ready =
        new ReplicaInfo("m/1/2", "m", "1", NODE, "cpu", ReplicaState.READY, null, null, 0, 0);
    List<MemberProblem> members = List.of(new MemberProblem("pekko://modelfleet@h:1", false));
    List<ReplicaInfo> replicas = List.of(pending, retrying, ready);

    Readings follower =
        readings(List.of(), List.of(), List.of(), List.of(), false, replicas, members);
    assertTrue(rules.conditions(follower).isEmpty());

    Readings leader = readings(List.of(), List.of(), List.of(), List.of(), true, replicas, members);
    List<Condition> all = rules.conditions(leader);
    List<Boolean> replicaStates =
        all.stream()
            .filter(c -> c.name().equals(AlertRules.REPLICA))
            .map(Condition::active)
            .toList();
    assertEquals(List.of(true, true, false), replicaStates);
    Condition member = only(leader, AlertRules.UNREACHABLE);
    assertEquals(Condition.Scope.CLUSTER, member.scope());
    assertEquals("pekko://modelfleet@h:1", member.labels().get("node"));
  }

  @Test
  void aDisabledRuleYieldsNothingAndTheClusterLabelIsAddedToEveryAlert() {
    AlertRules off =
        new AlertRules(TestAlertSettings.of("latency.enabled = off, cluster-label = eu"));
    List<Condition> c = off.conditions(ofWindows(window("m", 50, 0, 5000)));
    assertEquals(List.of(AlertRules.ERRORS), c.stream().map(Condition::name).toList());
    assertEquals("eu", c.get(0).labels().get("cluster"));
  }
}
