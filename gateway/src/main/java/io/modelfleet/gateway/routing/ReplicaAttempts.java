package io.modelfleet.gateway.routing;

import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferReply.InferFailure;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.InlineReplies;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Sends one inference to one of a version's READY replicas and brings back its answer, within a
 * deadline, for the {@link InferenceDispatcher} (which decides the version).
 *
 * <p>One retry on another READY replica happens when the first answers 503 (it began draining),
 * does not answer in time, or sits on a node that becomes unreachable. When a replica refuses
 * because it is stopping, or its node was lost, and no other is Ready yet, the request waits a
 * little for one ({@link ReplicaWait}): a moved replica's successor may be Ready before this
 * gateway has seen it (not for a canary's attempt or a shadow copy, which have the alias's version
 * to fall back on, or nothing to lose). Inference has no side effects, so a retry cannot do harm.
 * When a second replica exists, the first attempt gets two thirds of the deadline so that a stuck
 * replica still leaves time for the retry.
 */
final class ReplicaAttempts {

  private static final Logger log = LoggerFactory.getLogger(ReplicaAttempts.class);

  /**
   * The answer to a request whose client went away: nginx's 499 "client closed request", which no
   * client reads; the gateway's own logs and metrics see it.
   */
  static final InferFailure CLIENT_GONE =
      new InferFailure(499, "the client went away before the answer; the request was cancelled");

  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;

  /**
   * Where an answer is taken up: on the replica's ORT thread that delivers it when the request ran
   * alone on this node (the response is built there, without a hop through the dispatcher, which
   * parked and woke a thread for every inference); on the dispatcher from any other thread (the
   * replica actor, the scheduler's timer on a timeout, Artery for a remote replica). See {@link
   * InlineReplies}.
   */
  private final ExecutionContextExecutor answers;

  private final ReplicaDirectory directory;
  private final ReplicaChooser chooser;
  private final NodeHealth health;
  private final Duration inferTimeout;

  /**
   * When another READY replica exists, the first attempt waits at most this long. A request sent
   * straight to a replica that is stopping on a live node (a shard hand-off) is dropped without an
   * answer and no membership event reports it; after this it is retried elsewhere instead of
   * waiting out the whole deadline. Inference has no side effects, so the cost of a slow replica
   * being overtaken is only duplicated work.
   */
  private final Duration firstAttemptTimeout;

  ReplicaAttempts(
      ActorSystem<?> system,
      ReplicaDirectory directory,
      ReplicaChooser chooser,
      NodeHealth health,
      Duration inferTimeout,
      Duration firstAttemptTimeout) {
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
    this.answers = ExecutionContext.fromExecutor(InlineReplies.orElse(executor));
    this.directory = directory;
    this.chooser = chooser;
    this.health = health;
    this.inferTimeout = inferTimeout;
    this.firstAttemptTimeout = firstAttemptTimeout;
  }

  Duration firstAttemptTimeout() {
    return firstAttemptTimeout;
  }

  /**
   * Sends to one of {@code ready} (not empty), retrying once on another of them; with {@code
   * mayWait}, a refusal by a stopping replica (or a lost node) may wait for its successor ({@link
   * ReplicaWait}).
   */
  CompletionStage<InferReply> send(
      String model,
      String version,
      List<ReplicaInfo> ready,
      InferRequest request,
      long deadline,
      ClientGone gone,
      boolean mayWait) {
    ReplicaInfo first = chooser.choose(ready, health::reachable);
    if (first == null) {
      return done(new InferFailure(503, Readiness.allUnreachable(model, version, ready.size())));
    }
    return attempt(model, version, request, first, deadline, ready.size() > 1, true, mayWait, gone);
  }

  private CompletionStage<InferReply> attempt(
      String model,
      String version,
      InferRequest request,
      ReplicaInfo replica,
      long deadline,
      boolean mayRetry,
      boolean retryLeft,
      boolean mayWait,
      ClientGone gone) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      return done(deadlineExceeded(model, version));
    }
    if (gone.isGone()) {
      // The client left while the request waited (for the memory budget, or before a retry).
      return done(CLIENT_GONE);
    }
    Duration budget = attemptBudget(remaining, mayRetry, firstAttemptTimeout);
    CompletableFuture<InferReply> reply = new CompletableFuture<>();
    chooser.acquire(replica.replicaId());
    health.track(replica.ref(), reply);
    InferRequest bounded = withQueueTimeout(request, budget);
    AtomicReference<ActorRef<InferReply>> asked = new AtomicReference<>();
    DirectAsk.<ReplicaCommand, InferReply>ask(
            replica.ref(),
            replyTo -> {
              asked.set(replyTo);
              return new ReplicaCommand.Infer(bounded, replyTo);
            },
            budget,
            scheduler,
            answers)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                reply.completeExceptionally(e);
              } else {
                reply.complete(r);
              }
            });
    ClientGone.Watch watch =
        gone.watch(
            // Fired on the connection's stream: the answer's callbacks run elsewhere.
            () ->
                executor.execute(
                    () -> {
                      if (reply.complete(CLIENT_GONE)) {
                        replica.ref().tell(new ReplicaCommand.Cancel(asked.get()));
                      }
                    }));
    return reply
        .handle(
            (r, e) -> {
              watch.close();
              chooser.release(replica.replicaId());
              health.untrack(replica.ref(), reply);
              boolean refused = r instanceof InferFailure f && f.status() == 503;
              boolean lost =
                  e != null && ErrorHandling.unwrap(e) instanceof NodeHealth.NodeLostException;
              if ((e != null || refused) && retryLeft) {
                Supplier<ReplicaInfo> other =
                    () ->
                        chooser.choose(
                            directory.current().ready(model, version),
                            o -> !o.replicaId().equals(replica.replicaId()) && health.reachable(o));
                ReplicaInfo next = mayRetry || refused || lost ? other.get() : null;
                if (next != null && deadline - System.nanoTime() > 0) {
                  log.debug(
                      "inference on {} failed ({}); retrying on {}",
                      replica.replicaId(),
                      e != null ? ErrorHandling.unwrap(e).toString() : ((InferFailure) r).error(),
                      next.replicaId());
                  return attempt(
                      model, version, request, next, deadline, false, false, mayWait, gone);
                }
                boolean leaving = r instanceof InferFailure f && f.replicaLeaving();
                if ((leaving || lost) && mayWait) {
                  // The replica is leaving and this gateway may not see its replacement yet.
                  long until =
                      Math.min(deadline, System.nanoTime() + firstAttemptTimeout.toNanos());
                  CompletableFuture<InferReply> original = new CompletableFuture<>();
                  if (e == null) {
                    original.complete(r);
                  } else {
                    original.completeExceptionally(e);
                  }
                  return ReplicaWait.await(other, until, scheduler, executor)
                      .thenCompose(
                          later ->
                              later != null
                                  ? attempt(
                                      model, version, request, later, deadline, false, false,
                                      mayWait, gone)
                                  : original
                                      .handle(
                                          (r2, e2) ->
                                              e2 == null
                                                  ? done(r2)
                                                  : done(
                                                      failureOf(
                                                          ErrorHandling.unwrap(e2),
                                                          replica,
                                                          model,
                                                          version)))
                                      .thenCompose(Function.identity()));
                }
              }
              if (e == null) {
                return done(r);
              }
              return done(failureOf(ErrorHandling.unwrap(e), replica, model, version));
            })
        .thenCompose(Function.identity());
  }

  /**
   * How long one attempt may wait: all that is left of the deadline when no retry can follow, else
   * two thirds of it and at most {@code firstAttemptTimeout}, so that the retry has time.
   */
  static Duration attemptBudget(
      long remainingNanos, boolean mayRetry, Duration firstAttemptTimeout) {
    return Duration.ofNanos(
        mayRetry
            ? Math.min(remainingNanos * 2 / 3, firstAttemptTimeout.toNanos())
            : remainingNanos);
  }

  /**
   * The replica drops a request whose queue time runs out before its batch runs. Bounding it by
   * this attempt's budget means a request nobody waits for any more (the ask timed out) is never
   * computed; a client's own, shorter {@code timeout} parameter is kept.
   */
  static InferRequest withQueueTimeout(InferRequest request, Duration budget) {
    long budgetMicros = Math.max(1, budget.toNanos() / 1000);
    long micros =
        request.timeoutMicros() > 0
            ? Math.min(request.timeoutMicros(), budgetMicros)
            : budgetMicros;
    return new InferRequest(
        request.id(),
        request.inputs(),
        request.outputs(),
        request.priority(),
        micros,
        request.traceparent());
  }

  private InferFailure failureOf(Throwable e, ReplicaInfo replica, String model, String version) {
    if (e instanceof TimeoutException) {
      return new InferFailure(
          504,
          "replica '"
              + replica.replicaId()
              + "' did not answer in time; "
              + deadlineExceeded(model, version).error());
    }
    if (e instanceof NodeHealth.NodeLostException) {
      return new InferFailure(
          503, "replica '" + replica.replicaId() + "' was lost: " + e.getMessage());
    }
    // Not a client's mistake and not an expected cluster event: let it become a logged 500.
    throw new IllegalStateException("inference on replica '" + replica.replicaId() + "' failed", e);
  }

  private InferFailure deadlineExceeded(String model, String version) {
    return new InferFailure(
        504,
        "inference on model '"
            + model
            + "' version '"
            + version
            + "' did not complete within "
            + inferTimeout.toMillis()
            + " ms");
  }

  private static CompletionStage<InferReply> done(InferReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
