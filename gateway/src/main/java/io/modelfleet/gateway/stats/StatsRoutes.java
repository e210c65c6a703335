package io.modelfleet.gateway.stats;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Triton's statistics extension over HTTP: {@code GET /v2/models/stats}, {@code
 * /v2/models/{m}/stats} and {@code /v2/models/{m}/versions/{v}/stats}, read by {@link ModelStats}
 * (which the gRPC front door shares). Must be composed before the OIP routes: {@code
 * /v2/models/stats} would otherwise read as a model name.
 */
public final class StatsRoutes extends RouteSupport {
  private final ModelStats stats;

  public StatsRoutes(GatewaySettings settings, ModelStats stats) {
    super(settings.maxJsonBody());
    this.stats = stats;
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v2").slash("models"),
        () ->
            concat(
                path("stats", () -> get(() -> respond(caller, json(caller, null, null)))),
                path(
                    segment().slash("stats"),
                    model -> get(() -> respond(caller, json(caller, model, null)))),
                path(
                    segment().slash("versions").slash(segment()).slash("stats"),
                    (model, version) -> get(() -> respond(caller, json(caller, model, version))))));
  }

  private CompletionStage<HttpResponse> json(Caller caller, String model, String version) {
    return stats
        .of(caller.identity(), model, version)
        .thenApply(all -> Json.ok(g -> StatsJson.write(all, g)));
  }
}
