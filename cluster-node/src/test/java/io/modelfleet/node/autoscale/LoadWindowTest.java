package io.modelfleet.node.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.VersionLoad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counters since each node started become figures over the last rounds. */
class LoadWindowTest {

  private static NodeLoad node(String name, VersionLoad... versions) {
    return new NodeLoad(name, List.of(versions), List.of());
  }

  private static VersionLoad v(String version, int ready, int inFlight, long requests, long queue) {
    return new VersionLoad(
        "m", version, ready, inFlight, requests, 0, 0, new long[LatencyBuckets.COUNT], queue);
  }

  @Test
  void sumsNodesSubtractsRoundsAndAveragesInFlight() {
    LoadWindow w = new LoadWindow(2);
    w.add(List.of(node("a", v("1", 1, 2, 100, 1_000)), node("b", v("1", 1, 0, 50, 0))));
    assertFalse(w.warm());
    assertEquals(0, w.figures("m", "1").requests(), "the first round is the baseline");
    w.add(List.of(node("a", v("1", 1, 4, 110, 3_000)), node("b", v("1", 2, 2, 60, 1_000))));
    w.add(List.of(node("a", v("1", 1, 6, 130, 6_000)), node("b", v("1", 2, 4, 70, 2_000))));
    assertTrue(w.warm());
    LoadFigures f = w.figures("m", "1");
    assertEquals((6 + 10) / 2.0, f.avgInFlight(), 1e-9, "rounds 2 and 3: 6 and 10 in flight");
    assertEquals(10, f.inFlightNow());
    assertEquals(20 + 30, f.requests());
    assertEquals(2_000 + 1_000 + 3_000 + 1_000, f.queueNanos());
    assertEquals(3, f.ready());
    assertEquals(7_000 / 1e6 / 50, f.queueDelayMillis(), 1e-12);
  }

  @Test
  void aRestartedNodeCountsFromZero() {
    LoadWindow w = new LoadWindow(1);
    w.add(List.of(node("a", v("1", 1, 0, 1_000, 9_000))));
    w.add(List.of(node("a", v("1", 1, 0, 5, 100))));
    assertEquals(5, w.figures("m", "1").requests());
    assertEquals(100, w.figures("m", "1").queueNanos());
  }

  @Test
  void aVersionThatStopsBeingServedGoesIdleAndIsForgotten() {
    LoadWindow w = new LoadWindow(2);
    w.add(List.of(node("a", v("1", 1, 3, 10, 0))));
    w.add(List.of(node("a")));
    LoadFigures half = w.figures("m", "1");
    assertEquals(1.5, half.avgInFlight(), 1e-9);
    assertEquals(0, half.inFlightNow());
    w.add(List.of(node("a")));
    assertEquals(LoadFigures.IDLE, w.figures("m", "1"));
    assertEquals(LoadFigures.IDLE, w.figures("m", "never"));
  }
}
