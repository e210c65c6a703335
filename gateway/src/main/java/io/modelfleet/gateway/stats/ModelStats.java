package io.modelfleet.gateway.stats;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.DirectAsk;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The statistics of Triton's statistics extension, gathered once for both fronts (HTTP {@code GET
 * /v2/models[/{m}[/versions/{v}]]/stats} and gRPC {@code ModelStatistics}). Each replica keeps its
 * own counters; a version's statistics are the sum over its live replicas, asked in parallel. A
 * replica that does not answer in time is left out rather than failing the whole read (statistics
 * are advisory).
 */
public final class ModelStats {

  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final Duration askTimeout;

  public ModelStats(
      ActorSystem<?> system,
      RegistryClient registry,
      ReplicaDirectory directory,
      Duration askTimeout) {
    this.registry = registry;
    this.directory = directory;
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
    this.askTimeout = askTimeout;
  }

  /**
   * The statistics of every version of {@code model}, or of {@code version} alone; with {@code
   * model} null, of every version of every model {@code who} may see (as Triton answers an empty
   * name). Fails with a 404 {@link ApiException} for an unknown model or version; the caller has
   * already been let through the access decision of the equivalent HTTP route.
   */
  public CompletionStage<List<ReplicaStats>> of(Identity who, String model, String version) {
    if (model == null) {
      return registry.all(who).thenCompose(this::versionsOf);
    }
    return registry
        .existing(model)
        .thenCompose(
            view -> {
              if (version == null) {
                return versionsOf(List.of(view));
              }
              // An alias: the statistics of the version serving it now.
              String v =
                  view.aliases().containsKey(version)
                      ? Readiness.resolve(view, version, directory.current())
                      : version;
              if (!view.versions().containsKey(v)) {
                throw ApiException.notFound(Readiness.unknownVersion(view, version));
              }
              return collect(List.of(version(view, v)));
            });
  }

  private CompletionStage<List<ReplicaStats>> versionsOf(List<ModelView> views) {
    List<CompletableFuture<ReplicaStats>> all = new ArrayList<>();
    for (ModelView view : views) {
      for (String v : view.versionNames()) {
        all.add(version(view, v));
      }
    }
    return collect(all);
  }

  private static CompletionStage<List<ReplicaStats>> collect(
      List<CompletableFuture<ReplicaStats>> stats) {
    return CompletableFuture.allOf(stats.toArray(CompletableFuture[]::new))
        .thenApply(x -> stats.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<ReplicaStats> version(ModelView view, String version) {
    CompletableFuture<ReplicaStats> sum =
        CompletableFuture.completedFuture(ReplicaStats.empty(view.name(), version));
    for (ReplicaInfo r : directory.current().replicas(view.name(), version)) {
      CompletableFuture<ReplicaStats> one =
          // DirectAsk: the Java ask's future starts a common-pool thread per callback on 2 cores.
          DirectAsk.<ReplicaCommand, ReplicaStats>ask(
                  r.ref(), ReplicaCommand.GetStats::new, askTimeout, scheduler, executor)
              .exceptionally(e -> ReplicaStats.empty(view.name(), version));
      sum = sum.thenCombine(one, ReplicaStats::plus);
    }
    return sum;
  }
}
