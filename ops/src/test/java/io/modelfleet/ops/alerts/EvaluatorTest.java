package io.modelfleet.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.alerts.Condition.Scope;
import io.modelfleet.ops.alerts.Evaluator.Evaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Rule WAIT_10S = new Rule(true, Duration.ofSeconds(10), "warning");
  private static final Rule AT_ONCE = new Rule(true, Duration.ZERO, "critical");

  private static Condition cond(Rule rule, boolean active, double value) {
    return Condition.of(
        "X", Scope.NODE, rule, Map.of("model", "m"), active, value, "m is bad", "value " + value);
  }

  private static Evaluation step(Map<String, ActiveAlert> before, Condition c, long atSeconds) {
    return Evaluator.evaluate(before, List.of(c), T0.plusSeconds(atSeconds), true);
  }

  @Test
  void pendingUntilTheConditionHeldForItsForThenFiringOnce() {
    Evaluation e1 = step(Map.of(), cond(WAIT_10S, true, 5), 0);
    assertEquals(List.of(), e1.transitions());
    ActiveAlert pending = e1.alerts().values().iterator().next();
    assertFalse(pending.firing());
    assertEquals(T0, pending.since());

    Evaluation e2 = step(e1.alerts(), cond(WAIT_10S, true, 6), 5);
    assertEquals(List.of(), e2.transitions());

    Evaluation e3 = step(e2.alerts(), cond(WAIT_10S, true, 7), 10);
    assertEquals(1, e3.transitions().size());
    Transition fired = e3.transitions().get(0);
    assertEquals(Transition.Kind.FIRED, fired.kind());
    assertEquals(T0.plusSeconds(10), fired.alert().since());
    assertEquals(T0, fired.alert().activeAt());

    Evaluation e4 = step(e3.alerts(), cond(WAIT_10S, true, 8), 15);
    assertEquals(List.of(), e4.transitions(), "firing stays firing without a new transition");
    ActiveAlert still = e4.alerts().values().iterator().next();
    assertEquals(8, still.condition().value(), "the latest reading is kept");
    assertEquals(T0.plusSeconds(10), still.since());
  }

  @Test
  void forZeroFiresAtOnceAndAnInactiveReadingResolvesWithItsReason() {
    Evaluation e1 = step(Map.of(), cond(AT_ONCE, true, 1), 0);
    assertEquals(Transition.Kind.FIRED, e1.transitions().get(0).kind());
    Evaluation e2 = step(e1.alerts(), cond(AT_ONCE, false, 0.5), 3);
    assertEquals(1, e2.transitions().size());
    Transition resolved = e2.transitions().get(0);
    assertEquals(Transition.Kind.RESOLVED, resolved.kind());
    assertEquals("value 0.5", resolved.alert().condition().reason());
    assertEquals(T0.plusSeconds(3), resolved.at());
    assertTrue(e2.alerts().isEmpty());
  }

  @Test
  void aPendingAlertThatStopsHoldingLeavesNoTrace() {
    Evaluation e1 = step(Map.of(), cond(WAIT_10S, true, 1), 0);
    Evaluation e2 = step(e1.alerts(), cond(WAIT_10S, false, 0), 5);
    assertEquals(List.of(), e2.transitions());
    assertTrue(e2.alerts().isEmpty());
    Evaluation e3 = step(e2.alerts(), cond(WAIT_10S, true, 1), 6);
    assertEquals(T0.plusSeconds(6), e3.alerts().values().iterator().next().activeAt());
  }

  @Test
  void aFiringAlertWhoseSubjectIsGoneResolves() {
    Evaluation e1 = step(Map.of(), cond(AT_ONCE, true, 1), 0);
    Evaluation e2 = Evaluator.evaluate(e1.alerts(), List.of(), T0.plusSeconds(1), true);
    assertEquals(Transition.Kind.RESOLVED, e2.transitions().get(0).kind());
    assertTrue(e2.transitions().get(0).alert().condition().reason().contains("value 1"));
  }

  @Test
  void clusterAlertsAreHandedOverSilentlyWhenThisNodeStopsEvaluatingThem() {
    Condition c =
        Condition.of(
            "U", Scope.CLUSTER, AT_ONCE, Map.of("node", "n"), true, 1, "n unreachable", "r");
    Evaluation e1 = Evaluator.evaluate(Map.of(), List.of(c), T0, true);
    assertEquals(1, e1.transitions().size());
    Evaluation e2 = Evaluator.evaluate(e1.alerts(), List.of(), T0.plusSeconds(1), false);
    assertEquals(List.of(), e2.transitions());
    assertTrue(e2.alerts().isEmpty());
  }

  @Test
  void labelsIdentifyAnAlertAndCarryItsNameAndSeverity() {
    Condition c = cond(AT_ONCE, true, 1);
    assertEquals(Map.of("alertname", "X", "severity", "critical", "model", "m"), c.labels());
    assertEquals(c.key(), cond(AT_ONCE, false, 2).key());
  }
}
