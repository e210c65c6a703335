package io.modelfleet.node.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout decision rules, one by one. */
class RolloutJudgeTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  private static final RolloutJudge JUDGE = new RolloutJudge(Duration.ofSeconds(6), 10);
  private static final Readiness READY = new Readiness(2, 2, null);
  private static final List<RolloutStep> STEPS =
      List.of(new RolloutStep(25, 5000), new RolloutStep(100, 5000));

  private static RolloutAnalysis analysis(
      Double errors, Double p99, Double ratio, Double driftAbs, Double driftRel) {
    return new RolloutAnalysis(1000, 20, errors, p99, ratio, driftAbs, driftRel, 30_000);
  }

  private static final RolloutAnalysis ERRORS = analysis(0.05, null, null, null, null);

  private static Rollout rollout(
      RolloutStrategy strategy, RolloutAnalysis a, int shadow, RolloutState state, int step) {
    RolloutSpec spec = new RolloutSpec("2", "stable", strategy, STEPS, 2, a, shadow);
    return new Rollout("1", spec, "1", state, step, T0, T0, null, null, false, null);
  }

  private static Rollout atStep(int step, RolloutAnalysis a) {
    return rollout(RolloutStrategy.CANARY, a, 0, RolloutState.PROGRESSING, step);
  }

  private static RolloutWindow window(
      long requests, long errors, double p99, long base, double baseP99) {
    return new RolloutWindow(
        T0, 3000, requests, errors, p99, base, 0, baseP99, 0, 0, 0, Map.of(), Map.of());
  }

  private static RolloutWindow shadow(
      long requests, long compared, long mismatched, double abs, double rel) {
    return new RolloutWindow(
        T0,
        3000,
        requests,
        0,
        1,
        100,
        0,
        1,
        compared,
        mismatched,
        0,
        Map.of("y", abs),
        Map.of("y", rel));
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void aCanaryStartsOnItsFirstReadyReplicaABlueGreenOnlyWhenAllAreReady() {
    Rollout canary = atStep(-1, ERRORS);
    Verdict none = JUDGE.judge(canary, new Readiness(0, 2, null), null, at(1));
    assertTrue(none.waits());
    assertEquals("waiting for ready: 0 of 2 replicas of version 2 Ready", none.why());
    Verdict one = JUDGE.judge(canary, new Readiness(1, 2, null), null, at(1));
    assertEquals(RolloutChange.ADVANCE, one.change());
    assertTrue(one.why().contains("step 1 of 2 at 25 %"), one.why());

    Rollout blueGreen =
        rollout(RolloutStrategy.BLUE_GREEN, ERRORS, 0, RolloutState.PROGRESSING, -1);
    assertTrue(JUDGE.judge(blueGreen, new Readiness(1, 2, null), null, at(1)).waits());
    assertEquals(RolloutChange.ADVANCE, JUDGE.judge(blueGreen, READY, null, at(1)).change());
  }

  @Test
  void noReadyReplicaWithinTheReadyTimeoutRollsBack() {
    Verdict v = JUDGE.judge(atStep(-1, ERRORS), new Readiness(0, 2, null), null, at(30));
    assertEquals(RolloutChange.ROLL_BACK, v.change());
    assertEquals(
        "not Ready within ready_timeout 30 s: 0 of 2 replicas of version 2 Ready", v.why());
  }

  @Test
  void aFailedValidationRollsBackWithItsReasonAtAnyStage() {
    Readiness failed =
        new Readiness(0, 2, "validation sample 'a' output 'y'[0]: expected 1, got 2");
    for (int step : new int[] {-1, 0, 1}) {
      Verdict v = JUDGE.judge(atStep(step, ERRORS), failed, null, at(1));
      assertEquals(RolloutChange.ROLL_BACK, v.change());
      assertEquals(
          "version 2 failed its validation samples: validation sample 'a' output 'y'[0]: expected 1, got 2",
          v.why());
    }
  }

  @Test
  void nothingJudgesBeforeTheMinimumSampleEvenAnAwfulErrorRatio() {
    // 19 requests, all failed: below min_requests 20, so no rollback, and no advance either.
    Verdict v = JUDGE.judge(atStep(0, ERRORS), READY, window(19, 19, 5, 100, 5), at(4));
    assertTrue(v.waits());
    assertEquals("step 1 of 2 (25 %): 19 of 20 requests", v.why());
    Verdict none = JUDGE.judge(atStep(0, ERRORS), READY, null, at(1));
    assertEquals("step 1 of 2 (25 %): 0 of 20 requests", none.why());
  }

  @Test
  void aBreachedErrorRatioRollsBackAtOnceWithTheMeasuredValue() {
    Verdict v = JUDGE.judge(atStep(0, ERRORS), READY, window(40, 4, 5, 100, 5), at(1));
    assertEquals(RolloutChange.ROLL_BACK, v.change());
    assertEquals(
        "error ratio 0.1000 > max_error_ratio 0.05000 (4 errors in 40 requests) at step 1 of 2 (25 %)",
        v.why());
    // At the limit is not over it.
    assertTrue(JUDGE.judge(atStep(0, ERRORS), READY, window(40, 2, 5, 100, 5), at(1)).waits());
  }

  @Test
  void aStepAdvancesOnlyOnceItsDurationHasPassedAndTheAnalysisPassed() {
    RolloutWindow good = window(40, 0, 5, 100, 5);
    Verdict early = JUDGE.judge(atStep(0, ERRORS), READY, good, at(4));
    assertTrue(early.waits());
    assertTrue(
        early.why().startsWith("step 1 of 2 (25 %): 4 s of 5 s, passing: 40 requests"),
        early.why());
    Verdict due = JUDGE.judge(atStep(0, ERRORS), READY, good, at(5));
    assertEquals(RolloutChange.ADVANCE, due.change());
    assertTrue(
        due.why().startsWith("step 1 of 2 (25 %) passed: 40 requests, error ratio 0"), due.why());
    assertTrue(due.why().endsWith("; step 2 of 2 at 100 %"), due.why());
    // Time alone is not enough.
    assertTrue(JUDGE.judge(atStep(0, ERRORS), READY, window(10, 0, 5, 100, 5), at(6)).waits());
  }

  @Test
  void theLastStepPromotes() {
    Verdict v = JUDGE.judge(atStep(1, ERRORS), READY, window(40, 0, 5, 0, 0), at(5));
    assertEquals(RolloutChange.PROMOTE, v.change());
    assertTrue(v.why().startsWith("step 2 of 2 (100 %) passed"), v.why());
  }

  @Test
  void absoluteP99AndTheRatioToTheBaselineOverTheSameWindow() {
    RolloutAnalysis abs = analysis(null, 100.0, null, null, null);
    Verdict slow = JUDGE.judge(atStep(0, abs), READY, window(40, 0, 150, 100, 5), at(1));
    assertEquals(RolloutChange.ROLL_BACK, slow.change());
    assertTrue(
        slow.why().startsWith("p99 latency 150 ms > max_p99_ms 100 (40 requests)"), slow.why());

    RolloutAnalysis ratio = analysis(null, null, 3.0, null, null);
    Verdict rel = JUDGE.judge(atStep(0, ratio), READY, window(40, 0, 50, 100, 10), at(1));
    assertEquals(RolloutChange.ROLL_BACK, rel.change());
    assertTrue(
        rel.why()
            .startsWith("p99 latency ratio 5 (candidate 50 ms / baseline 10 ms) > max_p99_ratio 3"),
        rel.why());
    // With a slack, a ratio made of a few milliseconds (a replica just started) does not count.
    RolloutAnalysis slack = new RolloutAnalysis(1000, 20, null, null, 1.5, null, null, 30_000, 5.0);
    Verdict noise = JUDGE.judge(atStep(0, slack), READY, window(40, 0, 7.1, 100, 4.1), at(5));
    assertEquals(RolloutChange.ADVANCE, noise.change(), noise.why());
    Verdict real = JUDGE.judge(atStep(0, slack), READY, window(40, 0, 12, 100, 4), at(5));
    assertEquals(RolloutChange.ROLL_BACK, real.change(), real.why());
    assertTrue(real.why().contains("> max_p99_ratio 1.500 with p99_slack_ms 5 ("), real.why());
    // The baseline short of the minimum: the ratio is not judged, and does not block.
    Verdict unjudged = JUDGE.judge(atStep(0, ratio), READY, window(40, 0, 50, 19, 10), at(5));
    assertEquals(RolloutChange.ADVANCE, unjudged.change());
  }

  @Test
  void driftNeedsTheMinimumOfComparedRequestsAndRollsBackNamingTheOutput() {
    RolloutAnalysis drift = analysis(null, null, null, 0.5, null);
    Rollout r = rollout(RolloutStrategy.CANARY, drift, 100, RolloutState.PROGRESSING, 0);
    Verdict few = JUDGE.judge(r, READY, shadow(40, 10, 0, 9, 9), at(4));
    assertTrue(few.waits());
    assertEquals("step 1 of 2 (25 %): 10 of 20 compared shadow requests", few.why());
    Verdict far = JUDGE.judge(r, READY, shadow(40, 30, 0, 2, 2), at(1));
    assertEquals(RolloutChange.ROLL_BACK, far.change());
    assertTrue(
        far.why()
            .startsWith(
                "output 'y' drifts by up to 2 (absolute) > max_drift_abs 0.5000 over 30 compared shadow requests"),
        far.why());
    Verdict shapes = JUDGE.judge(r, READY, shadow(40, 30, 3, 0, 0), at(1));
    assertTrue(
        shapes.why().startsWith("outputs differ in names, types or shapes in 3 over 30"),
        shapes.why());
    assertEquals(
        RolloutChange.ADVANCE, JUDGE.judge(r, READY, shadow(40, 30, 0, 0.1, 0.1), at(5)).change());
    // At 100 % the baseline answers nothing to compare: drift does not hold the step.
    Rollout full = rollout(RolloutStrategy.CANARY, drift, 100, RolloutState.PROGRESSING, 1);
    assertEquals(
        RolloutChange.PROMOTE, JUDGE.judge(full, READY, shadow(40, 0, 0, 0, 0), at(5)).change());
  }

  @Test
  void aStepShortOfSamplesForTenDurationsPausesAsInconclusive() {
    Verdict v = JUDGE.judge(atStep(0, ERRORS), READY, window(12, 0, 5, 100, 5), at(50));
    assertEquals(RolloutChange.PAUSE, v.change());
    assertTrue(
        v.why()
            .startsWith(
                "inconclusive at step 1 of 2 (25 %): only 12 of 20 requests after 50 s (10 step durations)"),
        v.why());
    assertTrue(JUDGE.judge(atStep(0, ERRORS), READY, window(12, 0, 5, 100, 5), at(49)).waits());
  }

  @Test
  void aPausedRolloutWaitsAndAFinishedOneRetiresItsLoserAfterTheDelay() {
    Rollout paused = rollout(RolloutStrategy.CANARY, ERRORS, 0, RolloutState.PAUSED, 0);
    assertEquals("paused", JUDGE.judge(paused, READY, window(40, 40, 5, 0, 0), at(100)).why());

    Rollout done =
        atStep(1, ERRORS).with(RolloutState.PROMOTED, 1, T0, at(10), "promoted", false, null);
    assertTrue(JUDGE.judge(done, READY, null, at(15)).waits());
    Verdict retire = JUDGE.judge(done, READY, null, at(16));
    assertEquals(RolloutChange.RETIRE, retire.change());
    assertTrue(
        retire.why().startsWith("version 1 retired 6 s after the rollout ended"), retire.why());
    // A candidate promoted by a person before it was Ready: the baseline stays until it is.
    Verdict early = JUDGE.judge(done, new Readiness(0, 2, null), null, at(100));
    assertTrue(early.waits());
    assertEquals(
        "version 2 has no Ready replica yet; version 1 keeps serving until it has", early.why());
    Rollout back =
        atStep(0, ERRORS).with(RolloutState.ROLLED_BACK, 0, T0, at(10), "bad", false, null);
    assertTrue(JUDGE.judge(back, READY, null, at(16)).why().startsWith("version 2 retired"));
    Rollout retired = back.with(RolloutState.ROLLED_BACK, 0, T0, at(10), "bad", true, null);
    assertNull(JUDGE.judge(retired, READY, null, at(100)).change());
  }
}
