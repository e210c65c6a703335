package io.modelfleet.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LostMembersTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void unreachableThenRemovedStaysLostForTheRetentionUnlessItRejoins() {
    LostMembers lost = new LostMembers(Duration.ofSeconds(60));
    assertEquals(
        List.of(new MemberProblem("b", false)), lost.update(Set.of("a", "b"), Set.of("b"), T0));
    // Downed and removed: still lost.
    assertEquals(
        List.of(new MemberProblem("b", true)),
        lost.update(Set.of("a"), Set.of(), T0.plusSeconds(10)));
    assertEquals(
        List.of(new MemberProblem("b", true)),
        lost.update(Set.of("a"), Set.of(), T0.plusSeconds(69)));
    assertEquals(List.of(), lost.update(Set.of("a"), Set.of(), T0.plusSeconds(70)));
  }

  @Test
  void aMemberBackUnderItsAddressIsForgotten() {
    LostMembers lost = new LostMembers(Duration.ofMinutes(15));
    lost.update(Set.of("a", "b"), Set.of("b"), T0);
    lost.update(Set.of("a"), Set.of(), T0.plusSeconds(1));
    assertEquals(List.of(), lost.update(Set.of("a", "b"), Set.of(), T0.plusSeconds(2)));
  }

  @Test
  void aGracefulLeaveIsNoProblemAndZeroRetentionForgetsAtRemoval() {
    LostMembers lost = new LostMembers(Duration.ZERO);
    assertEquals(List.of(), lost.update(Set.of("a"), Set.of(), T0));
    lost.update(Set.of("a", "b"), Set.of("b"), T0);
    assertEquals(List.of(), lost.update(Set.of("a"), Set.of(), T0.plusSeconds(1)));
  }
}
