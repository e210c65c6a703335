package io.modelfleet.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.routing.AliasResolution.Resolved;
import io.modelfleet.protocol.model.AliasTarget;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AliasResolutionTest {
  private static final Map<String, AliasTarget> ALIASES =
      Map.of("stable", new AliasTarget("2", "1"), "canary", new AliasTarget("3", null));

  private static Resolved resolve(String asked, String... ready) {
    return AliasResolution.resolve("iris", asked, ALIASES, Set.of(ready)::contains);
  }

  @Test
  void aTargetWithAReadyReplicaServes() {
    assertEquals(new Resolved("2", null), resolve("stable", "1", "2"));
    assertFalse(AliasResolution.pending(ALIASES.get("stable"), "2"));
  }

  @Test
  void untilTheTargetIsReadyThePreviousVersionServesAndTheSwitchIsPending() {
    assertEquals(new Resolved("1", null), resolve("stable", "1"));
    assertTrue(AliasResolution.pending(ALIASES.get("stable"), "1"));
  }

  @Test
  void neitherReadyIsUnavailableNamingBoth() {
    Resolved r = resolve("stable", "3");
    assertEquals("2", r.version());
    assertEquals(
        "model 'iris' alias 'stable' points at version '2', which has no Ready replica, nor has"
            + " version '1' that served it before",
        r.unavailable());
    assertNull(AliasResolution.serving(ALIASES.get("stable"), v -> false));
    assertTrue(AliasResolution.pending(ALIASES.get("stable"), null));
    assertTrue(resolve("canary").unavailable().endsWith("and no version served it before"));
  }

  @Test
  void aVersionThatIsNoAliasIsItselfAndTheUnversionedRouteServesStable() {
    assertEquals(new Resolved("7", null), resolve("7", "7"));
    assertEquals(new Resolved("1", null), resolve(null, "1"));
    Resolved noStable =
        AliasResolution.resolve(
            "iris", null, Map.of("canary", new AliasTarget("3", null)), v -> true);
    assertEquals(new Resolved(null, null), noStable);
    assertEquals(
        new Resolved(null, null), AliasResolution.resolve("iris", null, Map.of(), v -> true));
  }
}
