package io.modelfleet.gateway.stats;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
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
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Triton's statistics extension: {@code GET /v2/models/stats}, {@code /v2/models/{m}/stats} and
 * {@code /v2/models/{m}/versions/{v}/stats}. Each replica keeps its own counters; a version's
 * statistics are the sum over its live replicas, asked in parallel. A replica that does not answer
 * in time is left out rather than failing the whole read (statistics are advisory). Must be
 * composed before the OIP routes: {@code /v2/models/stats} would otherwise read as a model name.
 */
public final class StatsRoutes extends RouteSupport {
  private final ActorSystem<?> system;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final Duration askTimeout;

  public StatsRoutes(
      GatewaySettings settings,
      ActorSystem<?> system,
      RegistryClient registry,
      ReplicaDirectory directory) {
    super(settings.maxJsonBody());
    this.system = system;
    this.registry = registry;
    this.directory = directory;
    this.askTimeout = settings.askTimeout();
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v2").slash("models"),
        () ->
            concat(
                path(
                    "stats",
                    () ->
                        get(
                            () ->
                                respond(
                                    caller,
                                    registry.all(caller.identity()).thenCompose(this::statsOf)))),
                path(
                    segment().slash("stats"),
                    model ->
                        get(
                            () ->
                                respond(
                                    caller,
                                    registry
                                        .existing(model)
                                        .thenCompose(view -> statsOf(List.of(view)))))),
                path(
                    segment().slash("versions").slash(segment()).slash("stats"),
                    (model, version) ->
                        get(
                            () ->
                                respond(
                                    caller,
                                    registry
                                        .existing(model)
                                        .thenCompose(
                                            view -> {
                                              if (!view.versions().containsKey(version)) {
                                                throw ApiException.notFound(
                                                    Readiness.unknownVersion(view, version));
                                              }
                                              return collect(List.of(version(view, version)));
                                            }))))));
  }

  private CompletionStage<HttpResponse> statsOf(List<ModelView> views) {
    List<CompletableFuture<ReplicaStats>> all = new ArrayList<>();
    for (ModelView view : views) {
      for (String v : view.versionNames()) {
        all.add(version(view, v));
      }
    }
    return collect(all);
  }

  private CompletionStage<HttpResponse> collect(List<CompletableFuture<ReplicaStats>> stats) {
    return CompletableFuture.allOf(stats.toArray(CompletableFuture[]::new))
        .thenApply(
            x ->
                Json.ok(
                    g -> StatsJson.write(stats.stream().map(CompletableFuture::join).toList(), g)));
  }

  private CompletableFuture<ReplicaStats> version(ModelView view, String version) {
    CompletableFuture<ReplicaStats> sum =
        CompletableFuture.completedFuture(ReplicaStats.empty(view.name(), version));
    for (ReplicaInfo r : directory.current().replicas(view.name(), version)) {
      CompletableFuture<ReplicaStats> one =
          AskPattern.<ReplicaCommand, ReplicaStats>ask(
                  r.ref(), ReplicaCommand.GetStats::new, askTimeout, system.scheduler())
              .toCompletableFuture()
              .exceptionally(e -> ReplicaStats.empty(view.name(), version));
      sum = sum.thenCombine(one, ReplicaStats::plus);
    }
    return sum;
  }
}
