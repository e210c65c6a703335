package io.modelfleet.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.model.AliasTarget;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

  private static final Predicate<String> ALL_READY = v -> true;

  private static AliasTarget split(String canary, int cp, String shadow, int sp) {
    return new AliasTarget("1", null, canary, cp, shadow, sp);
  }

  @Test
  void theDrawDecidesAgainstThePercentage() {
    AliasTarget t = split("2", 25, null, 0);
    assertEquals("2", new TrafficSplit(() -> 0).canary(t, "1", ALL_READY));
    assertEquals("2", new TrafficSplit(() -> 24).canary(t, "1", ALL_READY));
    assertNull(new TrafficSplit(() -> 25).canary(t, "1", ALL_READY));
    assertNull(new TrafficSplit(() -> 99).canary(t, "1", ALL_READY));
  }

  @Test
  void aSeededDrawSendsAboutThePercentage() {
    Random random = new Random(42);
    TrafficSplit traffic = new TrafficSplit(() -> random.nextInt(100));
    AliasTarget t = split("2", 30, null, 0);
    int canary = 0;
    for (int i = 0; i < 10_000; i++) {
      if (traffic.canary(t, "1", ALL_READY) != null) {
        canary++;
      }
    }
    assertTrue(canary > 2_800 && canary < 3_200, "canary got " + canary + " of 10000");
  }

  @Test
  void noCanaryWithoutAReadyReplicaOrWhenItIsTheServingVersion() {
    TrafficSplit always = new TrafficSplit(() -> 0);
    assertNull(always.canary(split("2", 100, null, 0), "1", Set.of("1")::contains));
    assertNull(always.canary(split("1", 100, null, 0), "1", ALL_READY));
    assertNull(always.canary(split("2", 0, null, 0), "1", ALL_READY));
    assertNull(always.canary(new AliasTarget("1", null), "1", ALL_READY));
    assertEquals("2", always.canary(split("2", 100, null, 0), "1", ALL_READY));
  }

  @Test
  void onlyTheServingVersionsRequestsAreShadowed() {
    TrafficSplit always = new TrafficSplit(() -> 0);
    AliasTarget t = split("2", 50, "3", 100);
    assertEquals("3", always.shadow(t, "1", "1", ALL_READY));
    assertNull(always.shadow(t, "1", "2", ALL_READY), "a canary's request is not shadowed");
    assertNull(always.shadow(t, "1", "1", Set.of("1", "2")::contains), "shadow not ready");
    assertNull(always.shadow(split(null, 0, "1", 100), "1", "1", ALL_READY), "itself");
    assertNull(new TrafficSplit(() -> 10).shadow(split(null, 0, "3", 10), "1", "1", ALL_READY));
    assertEquals(
        "3", new TrafficSplit(() -> 9).shadow(split(null, 0, "3", 10), "1", "1", ALL_READY));
  }

  @Test
  void aDrawIsTakenOnlyWhenThereIsASplit() {
    TrafficSplit counting =
        new TrafficSplit(
            () -> {
              throw new AssertionError("drew without a split");
            });
    assertFalse(TrafficSplit.splits(new AliasTarget("1", null)));
    assertFalse(TrafficSplit.splits(null));
    assertTrue(TrafficSplit.splits(split("2", 5, null, 0)));
    assertNull(counting.canary(new AliasTarget("1", null), "1", ALL_READY));
    assertNull(counting.shadow(new AliasTarget("1", null), "1", "1", ALL_READY));
    assertNull(counting.canary(split("2", 100, null, 0), "1", Set.of("1")::contains));
  }

  @Test
  void serverErrorsAreRetriedOnTheStableVersionClientErrorsAreNot() {
    for (int s : new int[] {500, 502, 503, 504}) {
      assertTrue(TrafficSplit.retryOnStable(s), "status " + s);
    }
    for (int s : new int[] {200, 400, 404, 413, 429, 499}) {
      assertFalse(TrafficSplit.retryOnStable(s), "status " + s);
    }
  }
}
