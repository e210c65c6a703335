package io.modelfleet.persistence.artifact;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes local artifact files that no registered version references, every {@code
 * modelfleet.artifacts.gc-interval}, once they are older than {@code
 * modelfleet.artifacts.gc-grace}. Refused uploads clean up after themselves at once; this catches
 * what that cannot (a crash between storing and registering, a file that was already there when an
 * upload was refused, orphans from older releases).
 *
 * <p>A run reads the referenced digests from the registry first and lists the files second, so a
 * version registered in between is protected by what {@link ArtifactStore#sweep} checks under each
 * digest's lock: its upload's lease or pin on this node, or its file's fresh modification time (the
 * grace period) for an upload through another node sharing the directory. A run whose registry read
 * fails deletes nothing. Only local files are deleted, never the registry database's shared copies:
 * another node may be about to register the same bytes.
 */
public final class OrphanCollector {
  private static final Logger log = LoggerFactory.getLogger(OrphanCollector.class);

  private final ArtifactStore store;
  private final Supplier<CompletionStage<Set<String>>> referenced;
  private final Duration grace;
  private final Executor blocking;
  private final AtomicBoolean running = new AtomicBoolean();

  public OrphanCollector(
      ArtifactStore store,
      Supplier<CompletionStage<Set<String>>> referenced,
      Duration grace,
      Executor blocking) {
    this.store = store;
    this.referenced = referenced;
    this.grace = grace;
    this.blocking = blocking;
  }

  /**
   * Runs {@link #collect} every {@code interval} on the system's scheduler, first after one
   * interval (not at start, while replicas load); a zero interval schedules nothing. The task ends
   * with the actor system.
   */
  public Optional<Cancellable> schedule(ActorSystem<?> system, Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException(
          "modelfleet.artifacts.gc-interval must not be negative, got " + interval);
    }
    if (interval.isZero()) {
      log.info("Artifact garbage collection is off (modelfleet.artifacts.gc-interval = 0)");
      return Optional.empty();
    }
    return Optional.of(
        system
            .classicSystem()
            .scheduler()
            .scheduleWithFixedDelay(
                interval, interval, this::collectAndLog, system.executionContext()));
  }

  private void collectAndLog() {
    collect()
        .whenComplete(
            (removed, err) -> {
              if (err != null) {
                log.warn("Artifact garbage collection skipped this round: {}", err.toString());
              } else if (!removed.isEmpty()) {
                log.info(
                    "Artifact garbage collection removed {} unreferenced file(s): {}",
                    removed.size(),
                    removed);
              }
            });
  }

  /**
   * One run; completes with the digests deleted. A run still going when the next is due makes that
   * one a no-op.
   */
  public CompletionStage<List<String>> collect() {
    if (!running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletionStage<List<String>> run;
    try {
      run =
          referenced
              .get()
              .thenApplyAsync(refs -> store.sweep(refs, Instant.now().minus(grace)), blocking);
    } catch (RuntimeException e) {
      run = CompletableFuture.failedFuture(e);
    }
    return run.whenComplete((ok, err) -> running.set(false));
  }
}
