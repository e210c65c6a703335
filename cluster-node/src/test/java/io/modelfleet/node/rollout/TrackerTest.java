package io.modelfleet.node.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.load.LatencyBuckets;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.load.VersionLoad;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window starts with the first complete round of a step, and afresh with the next step. */
class TrackerTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  private static Rollout at(int step, Instant since) {
    RolloutSpec spec =
        new RolloutSpec(
            "2",
            "stable",
            RolloutStrategy.CANARY,
            List.of(new RolloutStep(50, 1000), new RolloutStep(100, 1000)),
            1,
            new RolloutAnalysis(1000, 1, null, null, null, null, null, 1000),
            0);
    return new Rollout(
        "1", spec, "1", RolloutState.PROGRESSING, step, T0, since, null, null, false, null);
  }

  private static NodeLoad node(long requests) {
    return new NodeLoad(
        "a",
        List.of(new VersionLoad("m", "2", 1, 0, requests, 0, 0, new long[LatencyBuckets.COUNT], 0)),
        List.of());
  }

  @Test
  void theFirstRoundOfAStepIsItsStartAndAStaleRoundIsDropped() {
    Tracker t = new Tracker("m", "1");
    Rollout step1 = at(0, T0);
    t.follow(step1);
    assertTrue(t.roundDue(T0, Duration.ofSeconds(1)));
    long r1 = t.openRound(T0, 1);
    assertTrue(t.answer(r1, node(100)));
    assertNull(t.close(step1, T0), "the first round is the window's start");
    assertFalse(t.roundDue(T0.plusMillis(500), Duration.ofSeconds(1)));
    long r2 = t.openRound(T0.plusSeconds(1), 1);
    assertTrue(t.answer(r2, node(130)));
    assertEquals(30, t.close(step1, T0.plusSeconds(1)).candidateRequests());

    long r3 = t.openRound(T0.plusSeconds(2), 1);
    Rollout step2 = at(1, T0.plusSeconds(2));
    t.follow(step2);
    assertFalse(t.answer(r3, node(150)), "a round of the step before is dropped");
    long r4 = t.openRound(T0.plusSeconds(3), 1);
    assertTrue(t.answer(r4, node(160)));
    assertNull(t.close(step2, T0.plusSeconds(3)), "the new step starts a new window");
  }
}
