package io.modelfleet.gateway.repository;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import java.time.Duration;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Triton's model repository extension under {@code /v2/repository}: index, load and unload. A load
 * is a deployment in ModelFleet's terms (see {@link ModelLoader}); an unload removes every
 * deployment of the model but keeps its versions, as Triton keeps the files in its repository.
 */
public final class RepositoryRoutes extends RouteSupport {

  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final ModelLoader loader;
  private final DeploymentLimits limits;
  private final Duration loadRequestTimeout;

  public RepositoryRoutes(
      GatewaySettings settings,
      DeploymentLimits limits,
      RegistryClient registry,
      ReplicaDirectory directory,
      ModelLoader loader) {
    super(settings.maxJsonBody());
    this.limits = limits;
    this.registry = registry;
    this.directory = directory;
    this.loader = loader;
    this.loadRequestTimeout = settings.loadRequestTimeout();
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v2").slash("repository"),
        () ->
            concat(
                path(
                    "index",
                    () ->
                        post(
                            () ->
                                jsonBody(
                                    body ->
                                        index(
                                            caller,
                                            RepositoryIndex.readyOnly(Json.parseObject(body)))))),
                path(
                    segment("models").slash(segment()).slash("load"),
                    model ->
                        post(
                            () ->
                                // The loader's own deadline (load-timeout) answers first, with the
                                // replicas' states; this request timeout only backs it up. The idle
                                // timeout must exceed both (checked at start).
                                withRequestTimeout(
                                    loadRequestTimeout,
                                    () ->
                                        jsonBody(
                                            body ->
                                                respond(
                                                    caller,
                                                    loader.load(
                                                        model,
                                                        LoadRequest.parse(
                                                            Json.parseObject(body), limits),
                                                        caller)))))),
                path(
                    segment("models").slash(segment()).slash("unload"),
                    model ->
                        post(
                            () ->
                                jsonBody(
                                    ignored ->
                                        respond(
                                            caller,
                                            loader
                                                .unload(model, caller)
                                                .thenApply(view -> Json.emptyObject())))))));
  }

  private Route index(Caller caller, boolean readyOnly) {
    return respond(
        caller,
        registry
            .all(caller.identity())
            .thenApply(
                views -> {
                  RoutingTable table = directory.current();
                  return Json.ok(g -> RepositoryIndex.write(views, table, readyOnly, g));
                }));
  }
}
