package io.modelfleet.gateway.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.memory.MemorySettings;
import io.modelfleet.gateway.routing.Mirror;
import io.modelfleet.ops.load.ShadowCounters;
import io.modelfleet.protocol.load.DiffBuckets;
import io.modelfleet.protocol.load.ShadowLoad;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import io.modelfleet.protocol.tensor.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ShadowMirrorTest {

  private static final long[] ONE = {1};
  private static final InferRequest REQUEST =
      new InferRequest("r", List.of(Tensors.ofFloats("x", ONE, 0f)), List.of());

  private final ShadowCounters counters = new ShadowCounters();
  private final List<CompletableFuture<InferReply>> copies = new ArrayList<>();
  private final Mirror.Sender sender =
      (model, version, request, deadline) -> {
        CompletableFuture<InferReply> f = new CompletableFuture<>();
        copies.add(f);
        return f;
      };

  private ShadowMirror mirror(int maxInFlight, long budget) {
    return new ShadowMirror(
        new ShadowSettings(maxInFlight, Duration.ofSeconds(10)),
        counters,
        new BodyAdmission(new MemorySettings(budget, Duration.ZERO, 1 << 20)),
        sender,
        Runnable::run);
  }

  private static InferResult result(float y) {
    Tensor t = Tensors.ofFloats("y", ONE, y);
    return new InferResult("m", "1", "r", List.of(t));
  }

  private ShadowLoad load() {
    List<ShadowLoad> all = counters.snapshot("m");
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  @Test
  void bothAnswersAreComparedOnceBothArrived() {
    ShadowMirror m = mirror(4, 1 << 20);
    CompletableFuture<InferReply> primary = new CompletableFuture<>();
    m.mirror("m", "1", "2", REQUEST, primary, System.nanoTime() + 1_000_000_000L);
    assertEquals(1, copies.size());
    copies.get(0).complete(result(1.5f));
    assertEquals(0, load().compared(), "waits for the original");
    primary.complete(result(1f));
    ShadowLoad l = load();
    assertEquals(1, l.mirrored());
    assertEquals(1, l.compared());
    assertEquals(0.5, DiffBuckets.max(l.absDiff().get("y")), 0.5);
    assertEquals(0, m.inFlight());
  }

  @Test
  void theCandidatesFailureIsCountedTheBaselinesIsNot() {
    ShadowMirror m = mirror(4, 1 << 20);
    m.mirror("m", "1", "2", REQUEST, CompletableFuture.completedFuture(result(1f)), Long.MAX_VALUE);
    copies.get(0).complete(new InferReply.InferFailure(500, "boom"));
    m.mirror(
        "m",
        "1",
        "2",
        REQUEST,
        CompletableFuture.completedFuture(new InferReply.InferFailure(500, "base")),
        Long.MAX_VALUE);
    copies.get(1).complete(result(1f));
    m.mirror("m", "1", "2", REQUEST, CompletableFuture.completedFuture(result(1f)), Long.MAX_VALUE);
    copies.get(2).completeExceptionally(new IllegalStateException("lost"));
    ShadowLoad l = load();
    assertEquals(3, l.mirrored());
    assertEquals(2, l.failed());
    assertEquals(0, l.compared());
    assertEquals(0, m.inFlight());
  }

  @Test
  void differentShapesAreAMismatch() {
    ShadowMirror m = mirror(4, 1 << 20);
    m.mirror("m", "1", "2", REQUEST, CompletableFuture.completedFuture(result(1f)), Long.MAX_VALUE);
    copies
        .get(0)
        .complete(
            new InferResult("m", "2", "r", List.of(Tensors.ofFloats("y", new long[] {2}, 1, 1))));
    assertEquals(1, load().mismatched());
  }

  @Test
  void copiesBeyondTheBoundOrTheMemoryToSpareAreSkipped() {
    ShadowMirror m = mirror(2, 1 << 20);
    for (int i = 0; i < 3; i++) {
      m.mirror("m", "1", "2", REQUEST, new CompletableFuture<>(), Long.MAX_VALUE);
    }
    assertEquals(2, copies.size());
    assertEquals(1, m.skipped(ShadowMirror.Skip.IN_FLIGHT));
    assertEquals(2, m.inFlight());

    ShadowMirror small = mirror(2, 6);
    small.mirror("m", "1", "2", REQUEST, new CompletableFuture<>(), Long.MAX_VALUE);
    assertEquals(1, small.skipped(ShadowMirror.Skip.MEMORY), "4 bytes of 6 is more than half");
    assertEquals(2, copies.size());
    assertEquals(0, mirror(0, 1 << 20).inFlight());
  }
}
