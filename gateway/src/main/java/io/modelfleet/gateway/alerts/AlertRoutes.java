package io.modelfleet.gateway.alerts;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.gateway.security.ModelTenants;
import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.protocol.alerts.AlertInfo;
import io.modelfleet.protocol.alerts.DriftReset;
import io.modelfleet.protocol.security.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The alerts API under {@code /v1/alerts}.
 *
 * <ul>
 *   <li>{@code GET /v1/alerts[?state=firing|pending]}: the cluster's pending and firing alerts,
 *       firing first, from this node's replica of the alert map ({@link AlertBoard}): no request
 *       goes to any other node. Needs {@code read_model}; a key sees the alerts about the models it
 *       sees (its tenant's, within its grants), and the alerts about nodes, GPUs and members only
 *       with {@code read_cluster} in the default tenant.
 *   <li>{@code POST /v1/alerts/drift/{model}/reference}: every node serving the model drops its
 *       output-drift reference and captures a new one from its next sampled outputs. Needs {@code
 *       deploy} on the model; 404 for a model that does not exist. Answers 202.
 * </ul>
 */
public final class AlertRoutes extends RouteSupport {
  private static final Set<String> STATES = Set.of(AlertInfo.FIRING, AlertInfo.PENDING);

  private final Optional<AlertBoard> board;
  private final RegistryClient registry;
  private final ModelTenants tenants;

  public AlertRoutes(
      GatewaySettings settings,
      Optional<AlertBoard> board,
      RegistryClient registry,
      ModelTenants tenants) {
    super(settings.maxJsonBody());
    this.board = board;
    this.registry = registry;
    this.tenants = tenants;
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v1").slash("alerts"),
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        get(
                            () ->
                                parameterOptional(
                                    "state", state -> complete(list(caller.identity(), state))))),
                path(
                    segment("drift").slash(segment()).slash("reference"),
                    model ->
                        post(
                            () ->
                                respond(
                                    caller,
                                    registry
                                        .existing(model)
                                        .thenApply(view -> reset(view.name(), caller)))))));
  }

  private HttpResponse list(Identity who, Optional<String> state) {
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw ApiException.badRequest(
          "state must be 'firing' or 'pending', got '" + state.get() + "'");
    }
    List<AlertInfo> shown =
        board().alerts().stream()
            .filter(a -> state.isEmpty() || a.state().equals(state.get()))
            .filter(a -> visible(a, who))
            .toList();
    return Json.ok(g -> AlertJson.alerts(shown, g));
  }

  /** A model's alerts to whoever sees the model; the others to cluster readers only. */
  private boolean visible(AlertInfo a, Identity who) {
    String model = a.labels().get("model");
    if (model != null) {
      return who.sees(model, tenants);
    }
    return who.key().isEmpty()
        || (who.key().get().has(Permission.READ_CLUSTER)
            && ModelTenants.DEFAULT.equals(who.tenant()));
  }

  private HttpResponse reset(String model, Caller caller) {
    DriftReset r = board().resetDrift(model, caller.principal());
    return Json.response(
        202,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeStringField(
              "requested_at", Instant.ofEpochMilli(r.requestedAtMillis()).toString());
          g.writeStringField(
              "message",
              "every node serving the model captures a new drift reference from its next sampled"
                  + " outputs");
          g.writeEndObject();
        });
  }

  private AlertBoard board() {
    return board.orElseThrow(
        () -> ApiException.unavailable("alerting is not installed on this node"));
  }
}
