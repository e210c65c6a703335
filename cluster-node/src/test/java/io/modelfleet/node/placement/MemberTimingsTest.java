package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.replica.ReplicaId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The controller's member clocks: settle after removal, unknown-node grace, restart grace. */
class MemberTimingsTest {
  private static final String A = "pekko://fleet@10.0.0.1:25520";
  private static final String B = "pekko://fleet@10.0.0.2:25520";
  private static final ReplicaId SLOT = new ReplicaId("m", "1", 0);
  private static final long SEC = 1_000_000_000L;

  private static MemberTimings timings() {
    return new MemberTimings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(20));
  }

  @Test
  void aRemovedMemberSettlesForTheSettleTime() {
    MemberTimings t = timings();
    t.removed(A, 10 * SEC);
    assertEquals(Set.of(A), t.settling(11 * SEC));
    assertEquals(Set.of(A), t.settling(12 * SEC), "exactly at the settle time it still waits");
    assertEquals(Set.of(), t.settling(12 * SEC + 1));
    assertEquals(Set.of(), t.settling(11 * SEC), "once settled, it is forgotten");
  }

  @Test
  void anUnknownNodeIsReportedOnceAfterTheGrace() {
    MemberTimings t = timings();
    assertEquals(List.of(), t.unknownPastGrace(List.of(A, B), 0));
    assertEquals(List.of(), t.unknownPastGrace(List.of(A, B), 30 * SEC));
    assertEquals(
        List.of(A),
        t.unknownPastGrace(List.of(A), 30 * SEC + 1),
        "B became known again, so its clock is gone");
    assertEquals(
        List.of(), t.unknownPastGrace(List.of(A, B), 31 * SEC), "A's clock starts again; B's too");
    assertEquals(List.of(B), t.unknownPastGrace(List.of(B), 62 * SEC));
  }

  @Test
  void aRestartHasItsGraceAndEnds() {
    MemberTimings t = timings();
    assertFalse(t.restarting(SLOT));
    t.restartBegan(SLOT, 5 * SEC);
    assertTrue(t.restarting(SLOT));
    assertTrue(t.inRestartGrace(SLOT, 24 * SEC));
    assertFalse(t.inRestartGrace(SLOT, 25 * SEC), "the grace is over at restart-grace");
    assertTrue(t.restarting(SLOT), "until the controller ends it");
    t.restartEnded(SLOT);
    assertFalse(t.restarting(SLOT));
  }

  @Test
  void restartsOfUnwantedSlotsAreForgotten() {
    MemberTimings t = timings();
    t.restartBegan(SLOT, 0);
    t.retainRestarting(Set.of(new ReplicaId("m", "1", 1)));
    assertFalse(t.restarting(SLOT));
  }
}
