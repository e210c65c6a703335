package io.modelfleet.gateway.usage;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.gateway.security.Identity;
import io.modelfleet.gateway.security.ModelTenants;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metering.MeteringSettings;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Permission;
import io.modelfleet.protocol.service.UsageQuery;
import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/usage}: the cluster's metered usage, summed per group (see {@link UsageParams} for
 * the parameters, {@link UsageJson} and {@link UsageCsv} for the answer).
 *
 * <p><b>Who sees what.</b> A key of the default tenant that may read the cluster (viewer, operator,
 * admin) sees every tenant's usage and may filter by {@code tenant}. Any other key sees its own
 * tenant's usage only, all of it (every key and model of the tenant: the tenant is who pays),
 * whatever its grants; asking for another tenant is a 403. Without access control (security off)
 * every caller sees everything.
 *
 * <p><b>How fresh.</b> Only what the nodes have flushed to the database, so the newest flush
 * interval of each node may be missing; {@code as_of} says up to when the answer is complete. This
 * node's unflushed counts are not added: they would make two gateways answer the same query
 * differently.
 */
public final class UsageRoutes extends RouteSupport {
  private static final Logger log = LoggerFactory.getLogger(UsageRoutes.class);

  private final ActorSystem<?> system;
  private final MeteringSettings settings;

  public UsageRoutes(GatewaySettings gateway, ActorSystem<?> system) {
    super(gateway.maxJsonBody());
    this.system = system;
    this.settings = MeteringSettings.fromConfig(system.settings().config());
  }

  public Route route(Caller caller) {
    return path(
        segment("v1").slash("usage"),
        () ->
            get(
                () ->
                    parameterMap(
                        params ->
                            optionalHeaderValueByName(
                                "Accept",
                                accept -> respond(caller, answer(caller, params, accept))))));
  }

  private CompletionStage<HttpResponse> answer(
      Caller caller, Map<String, String> params, Optional<String> accept) {
    try {
      // Found per request: the node installs it after the gateway's routes exist in some tests.
      UsageQuery query =
          Ops.get(system)
              .find(UsageQuery.class)
              .orElseThrow(
                  () ->
                      ApiException.unavailable(
                          "usage metering is off on this node (modelfleet.ops.metering.enabled)"));
      UsageParams p = UsageParams.parse(params, accept, Instant.now(), settings.queryMaxRange());
      UsageRequest request =
          new UsageRequest(
              p.from(),
              p.to(),
              p.groupBy(),
              scope(caller.identity(), p.tenant()),
              p.model(),
              settings.queryMaxRows());
      return query
          .query(request)
          .handle(
              (report, failure) -> {
                if (failure != null) {
                  throw new CompletionException(unreadable(caller, failure));
                }
                return response(p, report);
              });
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private HttpResponse response(UsageParams p, UsageReport report) {
    if (report.truncated()) {
      throw ApiException.badRequest(
          "more than "
              + settings.queryMaxRows()
              + " groups match (modelfleet.ops.metering.query-max-rows); narrow from and to,"
              + " filter by tenant or model, or group by fewer columns");
    }
    if (p.csv()) {
      return HttpResponse.create()
          .withEntity(
              HttpEntities.create(
                  ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8),
                  UsageCsv.write(p.groupBy(), report.rows())));
    }
    return Json.ok(g -> UsageJson.write(g, p.from(), p.to(), p.groupBy(), report));
  }

  private static Throwable unreadable(Caller caller, Throwable failure) {
    Throwable t = ErrorHandling.unwrap(failure);
    if (t instanceof ApiException) {
      return t;
    }
    log.warn("request {}: the usage table could not be read: {}", caller.requestId(), t.toString());
    return ApiException.unavailable(
        "the usage table could not be read from the database; try again (request id "
            + caller.requestId()
            + ")");
  }

  /**
   * The tenant the caller may read: the one it asked for (or all) for a cluster reader of the
   * default tenant and without access control, else its own.
   */
  static Optional<String> scope(Identity who, Optional<String> asked) {
    if (who.key().isEmpty()) {
      return asked;
    }
    ApiKey key = who.key().get();
    if (key.has(Permission.READ_CLUSTER) && ModelTenants.DEFAULT.equals(key.tenant())) {
      return asked;
    }
    if (asked.isPresent() && !asked.get().equals(key.tenant())) {
      throw new ApiException(
          403, "this key sees only the usage of its own tenant '" + key.tenant() + "'");
    }
    return Optional.of(key.tenant());
  }
}
