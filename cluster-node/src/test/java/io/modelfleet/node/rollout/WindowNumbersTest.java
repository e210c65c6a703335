package io.modelfleet.node.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.ShadowLoad;
import io.modelfleet.protocol.load.VersionLoad;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A window is the sum over nodes of now minus start. */
class WindowNumbersTest {

  private static VersionLoad load(String version, long requests, long errors, long millis) {
    long[] latency = new long[LatencyBuckets.COUNT];
    latency[LatencyBuckets.index(millis * 1_000_000)] = requests - errors;
    return new VersionLoad("m", version, 1, 0, requests, errors, 0, latency, 0);
  }

  private static ShadowLoad shadow(long compared, double diff) {
    long[] abs = new long[DiffBuckets.COUNT];
    abs[DiffBuckets.index(diff)] = compared;
    return new ShadowLoad(
        "m", "1", "2", compared, compared, 0, 0, Map.of("y", abs), Map.of("y", abs));
  }

  private static NodeLoad node(String name, List<VersionLoad> versions, List<ShadowLoad> shadows) {
    return new NodeLoad(name, versions, shadows);
  }

  @Test
  void sumsTheDifferencesOverTheNodesCountingANewNodeFromZeroAndDroppingAGoneOne() {
    Map<String, NodeLoad> start =
        Map.of(
            "a", node("a", List.of(load("2", 10, 1, 5), load("1", 100, 0, 2)), List.of()),
            "gone", node("gone", List.of(load("2", 50, 50, 5)), List.of()));
    Map<String, NodeLoad> now =
        Map.of(
            "a",
            node("a", List.of(load("2", 30, 3, 5), load("1", 160, 0, 2)), List.of(shadow(8, 0.25))),
            "new",
            node("new", List.of(load("2", 5, 0, 5)), List.of(shadow(4, 0.001))));
    RolloutWindow w = WindowNumbers.between(start, now, "m", "2", "1", Instant.EPOCH, 3000);
    assertEquals(25, w.candidateRequests());
    assertEquals(2, w.candidateErrors());
    assertEquals(60, w.baselineRequests());
    assertEquals(12, w.shadowCompared());
    assertEquals(DiffBuckets.upper(DiffBuckets.index(0.25)), w.maxDriftAbs().get("y"));
    double p99 = LatencyBuckets.upperNanos(LatencyBuckets.index(5_000_000)) / 1e6;
    assertEquals(p99, w.candidateP99Ms(), 1e-9);
  }

  @Test
  void aNodeWhoseCountersWentBackwardsRestartedAndCountsFromZero() {
    Map<String, NodeLoad> start = Map.of("a", node("a", List.of(load("2", 100, 0, 5)), List.of()));
    Map<String, NodeLoad> now = Map.of("a", node("a", List.of(load("2", 7, 1, 5)), List.of()));
    RolloutWindow w = WindowNumbers.between(start, now, "m", "2", "1", Instant.EPOCH, 3000);
    assertEquals(7, w.candidateRequests());
    assertEquals(1, w.candidateErrors());
  }
}
