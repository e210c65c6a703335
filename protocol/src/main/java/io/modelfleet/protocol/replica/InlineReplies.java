package io.modelfleet.protocol.replica;

import java.util.concurrent.Executor;

/**
 * Lets the thread that delivers a replica's answer to a gateway on the same node carry on with it.
 *
 * <p>A local ask's answer completes on the thread that tells it. Continuing there (building the
 * HTTP or gRPC response) saves a hop through the dispatcher, one thread woken per inference, but
 * only on the thread that ran the request alone: the replica's ORT thread. Every other thread that
 * may deliver an answer must hand it on: the replica actor (a response-cache hit, a refusal), the
 * scheduler's timer thread (an ask timeout), Artery's inbound stream (a remote replica). So the
 * replica marks the one place ({@link #deliver}) and the gateway's executor ({@link #orElse}) runs
 * the continuation inline only there.
 */
public final class InlineReplies {
  private InlineReplies() {}

  private static final ThreadLocal<Boolean> INLINE = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** Runs {@code tell} with permission for the receiver to continue on this thread. */
  public static void deliver(Runnable tell) {
    INLINE.set(Boolean.TRUE);
    try {
      tell.run();
    } finally {
      INLINE.set(Boolean.FALSE);
    }
  }

  /** An executor that runs a task inline inside {@link #deliver}, else on {@code elsewhere}. */
  public static Executor orElse(Executor elsewhere) {
    return task -> {
      if (INLINE.get()) {
        task.run();
      } else {
        elsewhere.execute(task);
      }
    };
  }
}
