package io.modelfleet.gateway.shm;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.RouteSupport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * Triton's shared memory extensions over HTTP, with Triton's paths and bodies:
 *
 * <ul>
 *   <li>{@code GET /v2/systemsharedmemory[/region/{name}]/status}: {@code [{"name", "key",
 *       "offset", "byte_size"}]}
 *   <li>{@code POST /v2/systemsharedmemory/region/{name}/register} with {@code {"key", "offset",
 *       "byte_size"}}: {@code {}}
 *   <li>{@code POST /v2/systemsharedmemory[/region/{name}]/unregister}: one region, or all
 *   <li>{@code /v2/cudasharedmemory/...}: status is always {@code []} and register a 400, since the
 *       gateway has no CUDA memory path (a GPU replica copies its tensors in from host memory)
 * </ul>
 *
 * The access each needs is in {@code security.RoutePermissions} (registering is an operator's
 * action).
 */
public final class ShmRoutes extends RouteSupport {

  static final String NO_CUDA =
      "CUDA shared memory is not supported: ModelFleet's gateway reads and writes tensors in host"
          + " memory; use system shared memory (/v2/systemsharedmemory)";

  private final ShmRegistry registry;

  public ShmRoutes(long maxJsonBody, ShmRegistry registry) {
    super(maxJsonBody);
    this.registry = registry;
  }

  public Route route(Caller caller) {
    return pathPrefix(
        "v2",
        () ->
            concat(
                pathPrefix("systemsharedmemory", () -> system(caller)),
                pathPrefix("cudasharedmemory", () -> cuda(caller))));
  }

  private Route system(Caller caller) {
    return concat(
        path("status", () -> get(() -> respond(caller, status(null)))),
        path("unregister", () -> post(() -> unregister(caller, null))),
        pathPrefix(
            segment("region").slash(segment()),
            name ->
                concat(
                    path("status", () -> get(() -> respond(caller, status(name)))),
                    path(
                        "register",
                        () -> post(() -> jsonBody(body -> respond(caller, register(name, body))))),
                    path("unregister", () -> post(() -> unregister(caller, name))))));
  }

  private Route cuda(Caller caller) {
    Route empty = get(() -> complete(Json.ok(g -> ShmJson.writeStatus(List.of(), g))));
    return concat(
        path("status", () -> empty),
        path("unregister", () -> post(() -> complete(Json.emptyObject()))),
        pathPrefix(
            segment("region").slash(segment()),
            name ->
                concat(
                    path("status", () -> empty),
                    path("register", () -> post(() -> complete(Json.error(400, NO_CUDA)))),
                    path("unregister", () -> post(() -> complete(Json.emptyObject()))))));
  }

  private CompletionStage<HttpResponse> status(String name) {
    try {
      List<ShmRegion> regions = registry.status(name);
      return CompletableFuture.completedFuture(Json.ok(g -> ShmJson.writeStatus(regions, g)));
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Route unregister(Caller caller, String name) {
    // The body must be empty (Triton's); whatever a client sends is read and ignored.
    return jsonBody(
        ignored -> {
          registry.unregister(name);
          return complete(Json.emptyObject());
        });
  }

  private CompletionStage<HttpResponse> register(String name, ByteString body) {
    try {
      RegisterRequest r = RegisterRequest.parse(Json.parseObject(body));
      return registry
          .registerAsync(name, r.key(), r.offset(), r.byteSize())
          .thenApply(region -> Json.emptyObject());
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@code {"key": "/k", "offset": 0, "byte_size": N}}. */
  record RegisterRequest(String key, long offset, long byteSize) {

    /**
     * @throws ApiException 400 naming the missing or malformed field
     */
    static RegisterRequest parse(JsonNode body) {
      if (body == null) {
        throw ApiException.badRequest(
            "the body must be {\"key\": ..., \"offset\": ..., \"byte_size\": ...}");
      }
      JsonNode key = body.get("key");
      if (key == null || !key.isTextual()) {
        throw ApiException.badRequest(
            "'key' must be the shared memory key (a string such as \"/input0\"), got "
                + Json.kind(key));
      }
      return new RegisterRequest(
          key.textValue(), count(body, "offset", false), count(body, "byte_size", true));
    }

    private static long count(JsonNode body, String field, boolean required) {
      JsonNode n = body.get(field);
      if (n == null || n.isNull()) {
        if (required) {
          throw ApiException.badRequest("'" + field + "' is required (bytes)");
        }
        return 0;
      }
      if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 0) {
        throw ApiException.badRequest(
            "'" + field + "' must be a non-negative integer (bytes), got " + Json.kind(n));
      }
      return n.asLong();
    }
  }
}
