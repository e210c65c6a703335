package io.modelfleet.node.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.cluster.DrainRules;
import io.modelfleet.ops.jmx.ClusterSnapshot;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.service.MemberDrains;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SelfDrainsTest {
  private static final String A = "pekko://modelfleet@10.0.0.1:25520";
  private static final String B = "pekko://modelfleet@10.0.0.2:25520";

  private final List<String> asked = new ArrayList<>();

  private static ClusterSnapshot cluster(String selfStatus, boolean otherWorker) {
    List<ClusterSnapshot.Member> members = new ArrayList<>();
    members.add(new ClusterSnapshot.Member(A, selfStatus, List.of("gateway", "worker"), true));
    if (otherWorker) {
      members.add(new ClusterSnapshot.Member(B, "Up", List.of("worker"), true));
    }
    return new ClusterSnapshot(A, List.of("gateway", "worker"), Optional.of(A), members);
  }

  private MemberDrains answering(Function<String, CompletionStage<DrainReply>> reply) {
    return new MemberDrains() {
      @Override
      public CompletionStage<DrainReply> drain(String address) {
        asked.add("drain " + address);
        return reply.apply(address);
      }

      @Override
      public CompletionStage<DrainReply> cancelDrain(String address) {
        asked.add("cancel " + address);
        return reply.apply(address);
      }
    };
  }

  private SelfDrains drains(
      ClusterSnapshot s, Set<String> draining, Function<String, CompletionStage<DrainReply>> r) {
    return new SelfDrains(() -> s, () -> draining, answering(r), Duration.ZERO);
  }

  @Test
  void aLoneWorkersDrainIsRefusedWithTheHttpRoutesSentenceAndNothingIsAsked() {
    String answer =
        drains(cluster("Up", false), Set.of(), a -> CompletableFuture.completedFuture(null))
            .drain();
    String expected =
        DrainRules.drainRefusal(A, List.of(new DrainRules.Member(A, true, "Up")), Set.of())
            .orElseThrow();
    assertEquals("refused: " + expected, answer);
    assertEquals(List.of(), asked);
  }

  @Test
  void aDrainTheControllerWroteIsAcceptedLocallyWrittenToo() {
    assertEquals(
        "node " + A + SelfDrains.DRAINING,
        drains(
                cluster("Up", true),
                Set.of(),
                a -> CompletableFuture.completedFuture(new DrainReply.Written(a)))
            .drain());
    assertEquals(
        "node " + A + SelfDrains.DRAINING,
        drains(
                cluster("Up", true),
                Set.of(),
                a -> CompletableFuture.completedFuture(new DrainReply.WrittenLocally(a)))
            .drain());
    assertEquals(List.of("drain " + A, "drain " + A), asked);
  }

  @Test
  void noAnswerAndFailuresAreSaidAsSuch() {
    String late =
        drains(
                cluster("Up", true),
                Set.of(),
                a -> CompletableFuture.failedFuture(new TimeoutException("ask timed out")))
            .drain();
    assertTrue(
        late.startsWith("the deployment controller did not confirm the drain of " + A), late);
    String never = drains(cluster("Up", true), Set.of(), a -> new CompletableFuture<>()).drain();
    assertTrue(never.contains("repeat the operation, which is safe"), never);
    String failed =
        drains(
                cluster("Up", true),
                Set.of(),
                a -> CompletableFuture.completedFuture(new DrainReply.Failed(a, "no replicator")))
            .drain();
    assertEquals("the drain of " + A + " failed: no replicator", failed);
  }

  @Test
  void cancelSaysWhetherTheNodeWasDrainingAndIsRefusedOnceItLeaves() {
    Function<String, CompletionStage<DrainReply>> written =
        a -> CompletableFuture.completedFuture(new DrainReply.Written(a));
    assertEquals(
        "node " + A + SelfDrains.CANCELLED,
        drains(cluster("Up", true), Set.of(A), written).cancelDrain());
    assertEquals(
        "node " + A + SelfDrains.NOT_DRAINING,
        drains(cluster("Up", true), Set.of(), written).cancelDrain());
    String leaving = drains(cluster("Leaving", true), Set.of(A), written).cancelDrain();
    assertEquals("refused: " + DrainRules.cancelRefusal(A, "Leaving").orElseThrow(), leaving);
    assertEquals(List.of("cancel " + A, "cancel " + A), asked);
  }
}
