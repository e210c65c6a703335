package io.modelfleet.node.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.node.autoscale.ScalingDecision.Change;
import io.modelfleet.node.autoscale.ScalingDecision.Outcome;
import io.modelfleet.node.autoscale.ScalingDecision.Pending;
import io.modelfleet.protocol.model.AutoscalingSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The autoscaler's rules, tick by tick, with the clock in the test's hands. */
class ScalingDecisionTest {
  /** 1..4 replicas, 2 in flight per replica, up after 5 s, down after 30 s. */
  private static final AutoscalingSpec IN_FLIGHT =
      new AutoscalingSpec(1, 4, 2, 0, 5_000, 30_000, 0);

  /** 0..3 replicas, 1 in flight per replica, to zero after 60 s idle. */
  private static final AutoscalingSpec TO_ZERO =
      new AutoscalingSpec(0, 3, 1, 0, 2_000, 10_000, 60_000);

  /** 1..8 replicas, 50 ms of queue delay. */
  private static final AutoscalingSpec QUEUE = new AutoscalingSpec(1, 8, 0, 50, 0, 10_000, 0);

  private static LoadFigures inFlight(double avg, int ready) {
    return new LoadFigures(avg, (int) Math.ceil(avg), (long) (avg * 100), 0, ready);
  }

  /** Runs the decision every second from {@code from} to {@code to} (ms) with the same load. */
  private static Outcome run(
      AutoscalingSpec spec, int current, LoadFigures load, Pending p, long from, long to) {
    Outcome o = null;
    for (long t = from; t <= to; t += 1000) {
      o = ScalingDecision.decide(spec, current, load, o == null ? p : o.pending(), t);
      if (o.change().isPresent()) {
        return o;
      }
    }
    return o;
  }

  @Test
  void askedForIsCeilOfLoadOverTargetWithinTheBounds() {
    assertEquals(4, ScalingDecision.asked(IN_FLIGHT, 2, inFlight(7.4, 2)));
    assertEquals(2, ScalingDecision.asked(IN_FLIGHT, 2, inFlight(4.0, 2)), "4/2 is exactly 2");
    assertEquals(3, ScalingDecision.asked(IN_FLIGHT, 2, inFlight(4.1, 2)));
    assertEquals(4, ScalingDecision.asked(IN_FLIGHT, 2, inFlight(100, 2)), "max_replicas");
    assertEquals(1, ScalingDecision.asked(IN_FLIGHT, 2, LoadFigures.IDLE), "min_replicas");
    assertEquals(1, ScalingDecision.asked(TO_ZERO, 2, LoadFigures.IDLE), "zero is not the load's");
    assertEquals(0, ScalingDecision.asked(TO_ZERO, 0, LoadFigures.IDLE), "at zero, idle, stays");
    assertEquals(
        1,
        ScalingDecision.asked(TO_ZERO, 1, new LoadFigures(0.01, 1, 0, 0, 1)),
        "never below 1 with a request in flight");
  }

  @Test
  void scalesUpOnlyAfterTheLoadHeldForTheDelayAndJumpsToTheLeastItAskedFor() {
    Outcome o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(7.4, 1), null, 0);
    assertEquals(Optional.empty(), o.change());
    assertEquals(1, o.pending().direction());
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(5.0, 1), o.pending(), 2_000);
    assertEquals(Optional.empty(), o.change());
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(7.9, 1), o.pending(), 4_999);
    assertEquals(Optional.empty(), o.change(), "not before the delay");
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(7.9, 1), o.pending(), 5_000);
    Change c = o.change().orElseThrow();
    assertEquals(1, c.from());
    assertEquals(3, c.to(), "5.0 in flight was asked for too: ceil(5/2) = 3, not 4");
    assertTrue(
        c.reason()
            .startsWith(
                "in-flight 7.9 over 1 replicas (1 Ready), target 2 per replica;"
                    + " asked for 3 or more throughout 5s (scale_up_delay)"),
        c.reason());
  }

  @Test
  void aQuietReadingInsideTheDelayStartsTheWaitAgain() {
    Outcome o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(6, 1), null, 0);
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(1, 1), o.pending(), 3_000);
    assertEquals(0, o.pending().direction());
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(6, 1), o.pending(), 4_000);
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(6, 1), o.pending(), 8_000);
    assertEquals(Optional.empty(), o.change(), "the wait began again at 4 s");
    o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(6, 1), o.pending(), 9_000);
    assertEquals(3, o.change().orElseThrow().to());
  }

  @Test
  void scalesDownAfterTheLongerDelayToTheMostItAskedFor() {
    Outcome o = ScalingDecision.decide(IN_FLIGHT, 4, inFlight(0.5, 4), null, 0);
    o = ScalingDecision.decide(IN_FLIGHT, 4, inFlight(3.5, 4), o.pending(), 10_000);
    o = ScalingDecision.decide(IN_FLIGHT, 4, inFlight(0.5, 4), o.pending(), 29_000);
    assertEquals(Optional.empty(), o.change());
    o = ScalingDecision.decide(IN_FLIGHT, 4, inFlight(0.5, 4), o.pending(), 30_000);
    Change c = o.change().orElseThrow();
    assertEquals(2, c.to(), "3.5 in flight asked for 2 within the delay");
    assertTrue(c.reason().contains("asked for 2 or fewer throughout 30s (scale_down_delay)"));
  }

  @Test
  void aDirectionChangeRestartsTheWait() {
    Outcome o = ScalingDecision.decide(IN_FLIGHT, 2, inFlight(1, 2), null, 0);
    assertEquals(-1, o.pending().direction());
    o = ScalingDecision.decide(IN_FLIGHT, 2, inFlight(9, 2), o.pending(), 25_000);
    assertEquals(1, o.pending().direction());
    assertEquals(25_000, o.pending().since());
    o = run(IN_FLIGHT, 2, inFlight(9, 2), o.pending(), 26_000, 30_000);
    assertEquals(4, o.change().orElseThrow().to());
  }

  @Test
  void aChangedCountInTheRegistryStartsAfresh() {
    Outcome o = ScalingDecision.decide(IN_FLIGHT, 1, inFlight(8, 1), null, 0);
    // Someone (an operator's deployment) set 3 meanwhile: the pending scale-up from 1 is void.
    o = ScalingDecision.decide(IN_FLIGHT, 3, inFlight(8, 3), o.pending(), 5_000);
    assertEquals(Optional.empty(), o.change());
    assertEquals(5_000, o.pending().since());
  }

  @Test
  void zeroDelayScalesAtOnce() {
    AutoscalingSpec eager = new AutoscalingSpec(1, 4, 1, 0, 0, 0, 0);
    assertEquals(
        3, ScalingDecision.decide(eager, 1, inFlight(3, 1), null, 0).change().orElseThrow().to());
    assertEquals(
        1, ScalingDecision.decide(eager, 3, inFlight(0, 3), null, 0).change().orElseThrow().to());
  }

  @Test
  void scalesToZeroOnlyAfterTheIdlePeriodWithNothingInFlight() {
    Outcome o = run(TO_ZERO, 1, LoadFigures.IDLE, null, 0, 59_000);
    assertEquals(Optional.empty(), o.change());
    assertEquals(0, o.pending().idleSince());
    o = ScalingDecision.decide(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 60_000);
    Change c = o.change().orElseThrow();
    assertEquals(0, c.to());
    assertEquals(
        "no request answered and none in flight for 60s (scale_to_zero_after 60s)", c.reason());
    // At zero and idle nothing more happens.
    o = run(TO_ZERO, 0, LoadFigures.IDLE, o.pending(), 61_000, 200_000);
    assertEquals(Optional.empty(), o.change());
  }

  @Test
  void oneRequestResetsTheIdlePeriod() {
    Outcome o = run(TO_ZERO, 1, LoadFigures.IDLE, null, 0, 50_000);
    o = ScalingDecision.decide(TO_ZERO, 1, new LoadFigures(0, 0, 1, 0, 1), o.pending(), 51_000);
    assertEquals(-1, o.pending().idleSince());
    o = run(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 52_000, 111_000);
    assertEquals(Optional.empty(), o.change(), "idle again only since 52 s");
    o = ScalingDecision.decide(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 112_000);
    assertEquals(0, o.change().orElseThrow().to());
  }

  @Test
  void aRequestInFlightKeepsTheLastReplica() {
    // A long request: nothing answered in the window, one in flight.
    LoadFigures stuck = new LoadFigures(1, 1, 0, 0, 1);
    Outcome o = run(TO_ZERO, 1, stuck, null, 0, 300_000);
    assertEquals(Optional.empty(), o.change());
  }

  @Test
  void aboveOneReplicaIdleGoesDownToOneThenToZeroWhenIdleLongEnough() {
    Outcome o = run(TO_ZERO, 3, LoadFigures.IDLE, null, 0, 20_000);
    Change down = o.change().orElseThrow();
    assertEquals(1, down.to());
    // Its own change keeps the idle period: idle since 0 s, so zero at 60 s.
    o = run(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 11_000, 59_000);
    assertEquals(Optional.empty(), o.change());
    o = ScalingDecision.decide(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 60_000);
    assertEquals(0, o.change().orElseThrow().to());
  }

  @Test
  void aScaleUpFromZeroStartsTheIdlePeriodAgain() {
    Outcome o = run(TO_ZERO, 1, LoadFigures.IDLE, null, 0, 60_000);
    assertEquals(0, o.change().orElseThrow().to());
    // The gateway scaled it to 1 for a request at 100 s; the replica loads, nothing answered yet.
    o = run(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 100_000, 159_000);
    assertEquals(Optional.empty(), o.change());
    o = ScalingDecision.decide(TO_ZERO, 1, LoadFigures.IDLE, o.pending(), 160_000);
    assertEquals(0, o.change().orElseThrow().to());
  }

  @Test
  void atZeroNothingScalesUpFromTheProbes() {
    // The gateway scales up from zero; the probes see nothing of a request waiting there.
    Outcome o = run(TO_ZERO, 0, LoadFigures.IDLE, null, 0, 30_000);
    assertEquals(Optional.empty(), o.change());
  }

  @Test
  void queueDelayScalesInProportionToReadyReplicas() {
    // 2 Ready replicas, 120 ms mean queue delay, target 50 ms: ceil(2 * 120 / 50) = 5.
    LoadFigures slow = new LoadFigures(10, 10, 100, 100 * 120_000_000L, 2);
    Change c = ScalingDecision.decide(QUEUE, 2, slow, null, 0).change().orElseThrow();
    assertEquals(5, c.to());
    assertTrue(
        c.reason()
            .startsWith("queue delay 120.0 ms over 100 requests on 2 Ready replicas, target 50 ms"),
        c.reason());
    // Three more are loading (5 in the registry, 2 Ready): the same delay asks for no more.
    assertEquals(Optional.empty(), ScalingDecision.decide(QUEUE, 5, slow, null, 1_000).change());
    // Nothing answered: no delay to judge by, the count stays.
    LoadFigures none = new LoadFigures(3, 3, 0, 0, 2);
    assertEquals(2, ScalingDecision.asked(QUEUE, 2, none));
    // Short delays ask for fewer.
    LoadFigures fast = new LoadFigures(1, 1, 100, 100 * 5_000_000L, 4);
    assertEquals(1, ScalingDecision.asked(QUEUE, 4, fast));
  }
}
