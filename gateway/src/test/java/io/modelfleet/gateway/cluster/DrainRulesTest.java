package io.modelfleet.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.cluster.DrainRules.Member;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrainRulesTest {

  private static final Member A = new Member("pekko://modelfleet@a:1", true, "Up");
  private static final Member B = new Member("pekko://modelfleet@b:1", true, "Up");
  private static final Member GATEWAY = new Member("pekko://modelfleet@g:1", false, "Up");

  @Test
  void theOnlyWorkerCannotBeDrained() {
    String why = DrainRules.drainRefusal(A.address(), List.of(A, GATEWAY), Set.of()).orElseThrow();
    assertTrue(why.startsWith("draining " + A.address() + " would leave no worker"), why);
    assertTrue(why.contains("DELETE /v1/cluster/members/{address}/drain"), why);
  }

  @Test
  void aWorkerMayBeDrainedWhileAnotherUpWorkerIsNotDraining() {
    assertEquals(Optional.empty(), DrainRules.drainRefusal(A.address(), List.of(A, B), Set.of()));
    // Draining the same member again is harmless while B is still there.
    assertEquals(
        Optional.empty(), DrainRules.drainRefusal(A.address(), List.of(A, B), Set.of(A.address())));
  }

  @Test
  void otherWorkersThatAreDrainingOrNotUpDoNotCount() {
    String why =
        DrainRules.drainRefusal(A.address(), List.of(A, B), Set.of(B.address())).orElseThrow();
    assertTrue(why.contains("(1 other worker(s) draining)"), why);
    Member leaving = new Member(B.address(), true, "Leaving");
    assertTrue(DrainRules.drainRefusal(A.address(), List.of(A, leaving), Set.of()).isPresent());
  }

  @Test
  void aMemberWithoutTheWorkerRoleMayAlwaysBeDrained() {
    assertEquals(
        Optional.empty(), DrainRules.drainRefusal(GATEWAY.address(), List.of(GATEWAY), Set.of()));
  }

  @Test
  void aDrainCanBeCancelledUntilTheMemberWasAskedToLeave() {
    assertEquals(Optional.empty(), DrainRules.cancelRefusal(A.address(), "Up"));
    String why = DrainRules.cancelRefusal(A.address(), "Leaving").orElseThrow();
    assertEquals(
        "member "
            + A.address()
            + " is already Leaving: its drain has finished and it was asked to leave,"
            + " which cannot be cancelled",
        why);
  }
}
