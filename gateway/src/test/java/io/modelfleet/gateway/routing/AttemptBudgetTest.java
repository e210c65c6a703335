package io.modelfleet.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How much of an inference's deadline its first attempt may take when a retry could follow. */
class AttemptBudgetTest {

  private static final Duration FIRST = Duration.ofSeconds(5);

  @Test
  void aLastAttemptGetsEverythingLeft() {
    assertEquals(
        Duration.ofSeconds(30),
        ReplicaAttempts.attemptBudget(Duration.ofSeconds(30).toNanos(), false, FIRST));
  }

  @Test
  void aFirstAttemptIsCappedByTheSettingAndByTwoThirdsOfTheDeadline() {
    assertEquals(
        FIRST, ReplicaAttempts.attemptBudget(Duration.ofSeconds(30).toNanos(), true, FIRST));
    assertEquals(
        Duration.ofSeconds(2),
        ReplicaAttempts.attemptBudget(Duration.ofSeconds(3).toNanos(), true, FIRST));
    assertEquals(
        Duration.ofSeconds(20),
        ReplicaAttempts.attemptBudget(
            Duration.ofSeconds(30).toNanos(), true, Duration.ofSeconds(60)));
  }
}
