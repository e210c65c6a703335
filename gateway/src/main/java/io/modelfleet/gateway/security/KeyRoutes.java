package io.modelfleet.gateway.security;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.service.KeyAdmin;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code /v1/keys}: creating, listing, changing and revoking API keys over {@link KeyAdmin} (the
 * node's event-sourced key registry, whose journal is the audit history). Every change carries the
 * caller's principal and request id. Who may call these routes is decided before them ({@code
 * manage_keys}, in {@link AccessDecision}); here they only read bodies and answer.
 *
 * <pre>
 * POST   /v1/keys               create; 201 with the record and "key" (the secret, shown once)
 * GET    /v1/keys               every key, without secrets or hashes
 * GET    /v1/keys/history       the audit history of keys
 * GET    /v1/keys/{id}          one key
 * DELETE /v1/keys/{id}          revoke; 200 with the record
 * PUT    /v1/keys/{id}/access   {"roles", "grants"}; an absent field is kept
 * PUT    /v1/keys/{id}/limits   {"requests_per_second", "burst", ...}; an absent field is kept
 * </pre>
 */
public final class KeyRoutes extends RouteSupport {

  private final KeyAdmin admin;
  private final LongSupplier clock;

  public KeyRoutes(KeyAdmin admin, long maxJsonBody, LongSupplier clock) {
    super(maxJsonBody);
    this.admin = admin;
    this.clock = clock;
  }

  public Route route(Caller caller) {
    return pathPrefix(
        segment("v1").slash("keys"),
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            get(
                                () ->
                                    respond(caller, admin(admin.list()).thenApply(KeyJson::list))),
                            post(() -> jsonBody(body -> create(caller, body))))),
                path(
                    "history",
                    () ->
                        get(
                            () ->
                                respond(
                                    caller, admin(admin.history()).thenApply(KeyJson::history)))),
                pathPrefix(
                    segment(),
                    id ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    concat(
                                        get(
                                            () ->
                                                respond(
                                                    caller, existing(id).thenApply(KeyJson::one))),
                                        delete(
                                            () ->
                                                respond(
                                                    caller,
                                                    admin(admin.revoke(id, caller.meta()))
                                                        .thenApply(KeyJson::one))))),
                            path(
                                "access",
                                () -> put(() -> jsonBody(body -> changeAccess(caller, id, body)))),
                            path(
                                "limits",
                                () ->
                                    put(
                                        () ->
                                            jsonBody(body -> changeLimits(caller, id, body))))))));
  }

  private Route create(Caller caller, ByteString body) {
    KeyAdmin.NewKey key = KeyRequests.newKey(Json.parseObject(body), clock.getAsLong());
    return respond(caller, admin(admin.create(key, caller.meta())).thenApply(KeyJson::created));
  }

  private Route changeAccess(Caller caller, String id, ByteString body) {
    var json = Json.parseObject(body);
    CompletionStage<HttpResponse> answer =
        existing(id)
            .thenCompose(
                current -> {
                  KeyRequests.Access a = KeyRequests.access(json, current);
                  return admin(admin.changeAccess(id, a.roles(), a.grants(), caller.meta()));
                })
            .thenApply(KeyJson::one);
    return respond(caller, answer);
  }

  private Route changeLimits(Caller caller, String id, ByteString body) {
    var json = Json.parseObject(body);
    CompletionStage<HttpResponse> answer =
        existing(id)
            .thenCompose(
                current ->
                    admin(
                        admin.changeLimits(
                            id, KeyRequests.limits(json, current.limits()), caller.meta())))
            .thenApply(KeyJson::one);
    return respond(caller, answer);
  }

  /** The key with {@code id}, or 404. */
  private CompletionStage<ApiKey> existing(String id) {
    return admin(admin.list())
        .thenApply(
            keys ->
                keys.stream()
                    .filter(k -> k.id().equals(id))
                    .findFirst()
                    .orElseThrow(
                        () -> ApiException.notFound("no API key has the id '" + id + "'")));
  }

  /** The registry's refusals become the gateway's JSON errors with the same status. */
  private static <T> CompletionStage<T> admin(CompletionStage<T> call) {
    return call.exceptionally(
        t -> {
          Throwable cause = ErrorHandling.unwrap(t);
          if (cause instanceof KeyAdmin.KeyAdminException e) {
            throw new ApiException(e.status(), e.getMessage());
          }
          throw t instanceof CompletionException c ? c : new CompletionException(cause);
        });
  }
}
