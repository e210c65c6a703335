package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Scheduler;

/**
 * Waits a little for a replica to take over from one that refused a request because it is stopping,
 * or whose node was lost. During a make-before-break move the replacement is READY before the old
 * replica leaves, but this gateway's copy of the directory may not show it yet when the old one
 * refuses: polling the directory for up to the request's deadline (bounded) turns that race into a
 * short wait instead of a 503.
 */
final class ReplicaWait {

  /** How often the directory is read again. */
  static final Duration POLL = Duration.ofMillis(50);

  private ReplicaWait() {}

  /**
   * A replica {@code pick} finds, as soon as it finds one, or null once {@code untilNanos} (a
   * {@link System#nanoTime} instant) passes.
   */
  static CompletionStage<ReplicaInfo> await(
      Supplier<ReplicaInfo> pick, long untilNanos, Scheduler scheduler, Executor executor) {
    CompletableFuture<ReplicaInfo> found = new CompletableFuture<>();
    poll(pick, untilNanos, scheduler, executor, found);
    return found;
  }

  private static void poll(
      Supplier<ReplicaInfo> pick,
      long untilNanos,
      Scheduler scheduler,
      Executor executor,
      CompletableFuture<ReplicaInfo> found) {
    ReplicaInfo r = pick.get();
    if (r != null || System.nanoTime() + POLL.toNanos() > untilNanos) {
      found.complete(r);
      return;
    }
    scheduler.scheduleOnce(
        POLL, () -> poll(pick, untilNanos, scheduler, executor, found), asScala(executor));
  }

  private static scala.concurrent.ExecutionContext asScala(Executor executor) {
    return executor instanceof scala.concurrent.ExecutionContext ec
        ? ec
        : scala.concurrent.ExecutionContext.fromExecutor(executor);
  }
}
