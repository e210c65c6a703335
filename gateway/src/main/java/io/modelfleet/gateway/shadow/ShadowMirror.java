package io.modelfleet.gateway.shadow;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.memory.MemoryBudget;
import io.modelfleet.gateway.routing.Mirror;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.load.ShadowCounters;
import io.modelfleet.ops.metrics.NodeMetrics;
import io.modelfleet.ops.metrics.ShadowMetrics;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferReply.InferResult;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow traffic: sends a copy of a request to the alias's shadow version at the same time as the
 * original, and once both answered compares the outputs ({@link OutputDiff}) into the node's {@link
 * ShadowCounters}. The caller's answer never waits for the copy and never sees it.
 *
 * <p>Bounded: at most {@link ShadowSettings#maxInFlight} copies at once on this node; a copy waits
 * at most {@link ShadowSettings#timeout} (and never past the original's deadline); and a copy is
 * sent only while the gateway's memory budget for requests in flight has room to spare (nobody
 * waits for it, and it stays at most half used with the copy), holding its own share of it (the
 * request's inputs, then both answers' outputs) until compared. Skipped copies are counted by
 * reason ({@link #skipped}, and in {@code modelfleet_shadow_skipped_total} with {@code
 * modelfleet_shadow_requests_total} when metrics are on). A copy is an ordinary request to the
 * shadow's replica: it counts in that version's statistics like any other, but never in the
 * caller's latency or usage.
 */
public final class ShadowMirror implements Mirror {

  private static final Logger log = LoggerFactory.getLogger(ShadowMirror.class);

  /** Why a copy was not sent. */
  public enum Skip {
    IN_FLIGHT,
    MEMORY
  }

  private final ShadowSettings settings;
  private final ShadowCounters counters;
  private final BodyAdmission admission;
  private final Mirror.Sender sender;
  private final Executor executor;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<Skip, AtomicLong> skipped = new ConcurrentHashMap<>();

  public ShadowMirror(
      ShadowSettings settings,
      ShadowCounters counters,
      BodyAdmission admission,
      Mirror.Sender sender,
      Executor executor) {
    this.settings = settings;
    this.counters = counters;
    this.admission = admission;
    this.sender = sender;
    this.executor = executor;
    for (Skip s : Skip.values()) {
      skipped.put(s, new AtomicLong());
    }
  }

  /**
   * The mirror of {@code system}'s gateway, made from the dispatcher's sender: settings from its
   * configuration, the node's {@link ShadowCounters} (found with {@code Ops.get(system).find}), the
   * gateway's memory budget, comparisons on the default dispatcher.
   */
  public static Function<Mirror.Sender, Mirror> forNode(ActorSystem<?> system) {
    ShadowSettings settings = ShadowSettings.fromConfig(system.settings().config());
    ShadowCounters counters =
        Ops.get(system).find(ShadowCounters.class).orElseGet(ShadowCounters::new);
    BodyAdmission admission = BodyAdmission.get(system.classicSystem());
    return sender -> {
      ShadowMirror mirror =
          new ShadowMirror(settings, counters, admission, sender, system.executionContext());
      Ops.get(system)
          .find(NodeMetrics.class)
          .ifPresent(
              m -> m.register(new ShadowMetrics(() -> counters.snapshot(null), mirror::skipped)));
      return mirror;
    };
  }

  /** Copies not sent since the node started, by reason ("in_flight", "memory"). */
  public Map<String, Long> skipped() {
    Map<String, Long> out = new TreeMap<>();
    skipped.forEach((reason, n) -> out.put(reason.name().toLowerCase(Locale.ROOT), n.get()));
    return out;
  }

  /** Copies not sent since the node started, by reason. */
  public long skipped(Skip reason) {
    return skipped.get(reason).get();
  }

  /** Copies in flight now. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void mirror(
      String model,
      String baseline,
      String candidate,
      InferRequest request,
      CompletionStage<InferReply> primary,
      long deadline) {
    if (inFlight.incrementAndGet() > settings.maxInFlight()) {
      inFlight.decrementAndGet();
      skipped.get(Skip.IN_FLIGHT).incrementAndGet();
      return;
    }
    BodyAdmission.Ticket ticket = roomFor(bytes(request.inputs()));
    if (ticket == null) {
      inFlight.decrementAndGet();
      skipped.get(Skip.MEMORY).incrementAndGet();
      return;
    }
    counters.mirrored(model, baseline, candidate);
    long copyDeadline = Math.min(deadline, System.nanoTime() + settings.timeout().toNanos());
    CompletableFuture<InferReply> copy;
    try {
      copy = sender.send(model, candidate, request, copyDeadline).toCompletableFuture();
    } catch (RuntimeException e) {
      copy = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<InferReply> original = primary.toCompletableFuture().exceptionally(e -> null);
    copy.exceptionally(e -> new InferReply.InferFailure(500, String.valueOf(e)))
        .thenCombineAsync(
            original,
            (c, b) -> {
              record(model, baseline, candidate, b, c, ticket);
              return null;
            },
            executor)
        .whenComplete(
            (x, e) -> {
              ticket.release();
              inFlight.decrementAndGet();
              if (e != null) {
                log.warn("comparing a shadow copy of model '{}' failed", model, e);
              }
            });
  }

  /**
   * A ticket for {@code bytes} when the budget has room to spare: nobody waits, and with them it is
   * at most half used. Else null.
   */
  private BodyAdmission.Ticket roomFor(long bytes) {
    MemoryBudget budget = admission.budget();
    if (budget.waiting() > 0 || budget.used() + bytes > budget.capacity() / 2) {
      return null;
    }
    return admission.admitNow(bytes);
  }

  private void record(
      String model,
      String baseline,
      String candidate,
      InferReply base,
      InferReply copy,
      BodyAdmission.Ticket ticket) {
    if (!(base instanceof InferResult b)) {
      return; // the baseline failed: nothing to compare with, and not the candidate's fault
    }
    if (!(copy instanceof InferResult c)) {
      counters.failed(model, baseline, candidate);
      return;
    }
    try {
      ticket.reserve("the shadow's comparison", bytes(b.outputs()) + bytes(c.outputs()));
    } catch (ApiException e) {
      skipped.get(Skip.MEMORY).incrementAndGet();
      return;
    }
    OutputDiff.Result r = OutputDiff.compare(b.outputs(), c.outputs());
    if (r.mismatch() != null) {
      log.debug("shadow {} of model '{}' mismatched: {}", candidate, model, r.mismatch());
      counters.mismatched(model, baseline, candidate);
    } else {
      counters.compared(model, baseline, candidate, r.maxAbs(), r.maxRel());
    }
  }

  static long bytes(List<Tensor> tensors) {
    long n = 0;
    for (Tensor t : tensors) {
      n += t.data().length;
    }
    return n;
  }
}
