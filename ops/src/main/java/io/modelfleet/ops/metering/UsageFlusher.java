package io.modelfleet.ops.metering;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Writes the {@link UsageMeter}'s deltas to its {@link UsageSink} every flush interval, and once
 * more when the node shuts down gracefully (coordinated shutdown's before-actor-system-terminate
 * phase: after the gateway has unbound and answered its last request, before the database pool
 * closes). Flushes run on the executor given (the node's blocking-I/O dispatcher), one at a time.
 *
 * <p>What a node can lose: after {@code kill -9} (or a crash, or a shutdown whose last flush
 * fails), the usage it metered since its last successful flush, i.e. at most one flush interval
 * (plus the duration of the flush in progress, and everything since the last success while the
 * database was unreachable). A failed flush loses nothing while the node lives: its deltas stay in
 * memory and go with the next.
 */
public final class UsageFlusher {
  private static final Logger log = LoggerFactory.getLogger(UsageFlusher.class);

  private final UsageMeter meter;
  private final UsageSink sink;
  private boolean failing;

  public UsageFlusher(UsageMeter meter, UsageSink sink) {
    this.meter = meter;
    this.sink = sink;
  }

  /**
   * Flushes what is pending: true when it is stored (or there was nothing), false when the sink
   * failed (logged once per run of failures; the deltas are kept).
   */
  public synchronized boolean flush() {
    UsageMeter.Pending pending = meter.pending();
    if (!pending.isEmpty()) {
      try {
        sink.store(pending.deltas());
      } catch (RuntimeException e) {
        if (!failing) {
          log.warn(
              "usage metering could not write {} rows to the database; they are kept and written"
                  + " with the next flush ({})",
              pending.deltas().size(),
              message(e));
        }
        failing = true;
        return false;
      }
      meter.flushed(pending);
      if (failing) {
        log.info("usage metering writes to the database again");
        failing = false;
      }
    }
    meter.retire();
    return true;
  }

  /** Flushes every {@code interval} on {@code io}, and once more on coordinated shutdown. */
  public void start(ActorSystem<?> system, Duration interval, ExecutionContextExecutor io) {
    Cancellable schedule =
        system.scheduler().scheduleWithFixedDelay(interval, interval, this::flushSafely, io);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "usage-metering-flush",
            () -> {
              schedule.cancel();
              return CompletableFuture.supplyAsync(
                  () -> {
                    if (!flush()) {
                      log.warn("usage metered since the last flush is lost: the last flush failed");
                    }
                    return Done.getInstance();
                  },
                  io);
            });
  }

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.error("usage metering flush failed unexpectedly", e);
    }
  }

  /** The exception's message and its causes', without stack traces. */
  private static String message(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && b.length() < 500; t = t.getCause()) {
      if (b.length() > 0) {
        b.append(": ");
      }
      b.append(t.getMessage());
    }
    return b.toString();
  }
}
