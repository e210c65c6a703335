package io.modelfleet.gateway.routing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.scaladsl.AskPattern;
import org.apache.pekko.util.Timeout;
import scala.concurrent.ExecutionContextExecutor;
import scala.runtime.BoxedUnit;

/**
 * An ask whose answer completes a plain {@link CompletableFuture} on a given executor: one task on
 * Pekko's dispatcher per answer.
 *
 * <p>The Java ask ({@code javadsl.AskPattern}) returns Scala's converted future, whose non-async
 * callbacks ({@code whenComplete}, {@code thenApply}) run as async ones on the common pool; on a
 * machine with two cores the common pool has parallelism 1, and {@link CompletableFuture} then
 * starts a new thread for every task. JFR showed one thread started per inference. Asking through
 * the Scala API and completing our own future from the dispatcher avoids both the conversion and
 * the thread.
 */
public final class DirectAsk {
  private DirectAsk() {}

  public static <Req, Res> CompletableFuture<Res> ask(
      RecipientRef<Req> target,
      Function<ActorRef<Res>, Req> message,
      Duration timeout,
      Scheduler scheduler,
      ExecutionContextExecutor executor) {
    CompletableFuture<Res> answer = new CompletableFuture<>();
    AskPattern.Askable$.MODULE$
        .<Res, Req>ask$extension(target, message::apply, Timeout.create(timeout), scheduler)
        .onComplete(
            result -> {
              if (result.isSuccess()) {
                answer.complete(result.get());
              } else {
                answer.completeExceptionally(result.failed().get());
              }
              return BoxedUnit.UNIT;
            },
            executor);
    return answer;
  }
}
