package io.modelfleet.gateway;

import io.modelfleet.gateway.alerts.AlertRoutes;
import io.modelfleet.gateway.cluster.ClusterRoutes;
import io.modelfleet.gateway.connection.Compression;
import io.modelfleet.gateway.management.ManagementRoutes;
import io.modelfleet.gateway.metrics.MetricsRoutes;
import io.modelfleet.gateway.observe.ExchangeContext;
import io.modelfleet.gateway.observe.HttpExchanges;
import io.modelfleet.gateway.oip.OipRoutes;
import io.modelfleet.gateway.repository.RepositoryRoutes;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.shm.ShmRoutes;
import io.modelfleet.gateway.stats.StatsRoutes;
import io.modelfleet.gateway.usage.UsageRoutes;
import io.modelfleet.gateway.web.BrowserGuard;
import io.modelfleet.ops.observe.HttpObserver;
import io.modelfleet.ops.observe.Observers;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.model.RequestMeta;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every HTTP route of the gateway, composed under one {@link #withCaller} so that giving the
 * request its id, refusing what a browser must not send ({@link BrowserGuard}), identifying and
 * authorising the caller ({@link GatewaySecurity}: both from the head, before any body is read),
 * echoing the request id and turning every failure into JSON each happen in exactly one place.
 */
public final class GatewayRoutes extends AllDirectives {

  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  /** Longer client ids are replaced rather than echoed into logs and the journal. */
  private static final int MAX_REQUEST_ID_LENGTH = 128;

  private final StatsRoutes stats;
  private final OipRoutes oip;
  private final RepositoryRoutes repository;
  private final ManagementRoutes management;
  private final ClusterRoutes cluster;
  private final UsageRoutes usage;
  private final AlertRoutes alerts;
  private final MetricsRoutes metrics;
  private final ShmRoutes shm;

  /** Smallest response body compressed for a client that accepts gzip or deflate. */
  private final long compressMinSize;

  private final BrowserGuard browsers;
  private final GatewaySecurity security;
  private final Observers observers;
  private final Tracing tracing;

  public GatewayRoutes(
      StatsRoutes stats,
      OipRoutes oip,
      RepositoryRoutes repository,
      ManagementRoutes management,
      ClusterRoutes cluster,
      AlertRoutes alerts,
      MetricsRoutes metrics,
      long compressMinSize,
      BrowserGuard browsers,
      GatewaySecurity security,
      Observers observers,
      Tracing tracing,
      UsageRoutes usage,
      ShmRoutes shm) {
    this.shm = shm;
    this.observers = observers;
    this.tracing = tracing;
    this.usage = usage;
    this.compressMinSize = compressMinSize;
    this.browsers = browsers;
    this.security = security;
    this.stats = stats;
    this.oip = oip;
    this.repository = repository;
    this.management = management;
    this.cluster = cluster;
    this.alerts = alerts;
    this.metrics = metrics;
  }

  public Route all() {
    return withCaller(caller -> extractUri(uri -> forPath(uri.path(), caller)));
  }

  /**
   * Only the routes that can match {@code path}: the Java routing DSL builds every route it is
   * given for every request (they close over the caller), so the data plane's requests under {@code
   * /v2} no longer build the management API's trees and collect their rejections. Paths outside
   * both prefixes get every route, so their 404 and 405 answers are unchanged.
   */
  private Route forPath(String path, Caller caller) {
    if (path.startsWith("/v2/") || path.equals("/v2")) {
      // Statistics first: GET /v2/models/stats would otherwise be the metadata of a model "stats".
      return concat(
          stats.route(caller), oip.route(caller), repository.route(caller), shm.route(caller));
    }
    if (path.startsWith("/v1/") || path.equals("/v1")) {
      return concat(
          management.route(caller),
          cluster.route(caller),
          usage.route(caller),
          alerts.route(caller),
          security.keyRoutes(caller));
    }
    return concat(
        stats.route(caller),
        oip.route(caller),
        repository.route(caller),
        management.route(caller),
        cluster.route(caller),
        usage.route(caller),
        alerts.route(caller),
        metrics.route(caller),
        security.keyRoutes(caller),
        shm.route(caller));
  }

  /**
   * Identifies the caller and wraps {@code inner} so that every response carries the request id and
   * is JSON, whether it comes from a route, a rejection, an exception or the request timeout.
   * Compressed request bodies are decoded inside, so an unsupported coding is a JSON 400 too.
   */
  public Route withCaller(Function<Caller, Route> inner) {
    return extractRequest(
        request -> {
          HttpObserver http = observers.http();
          ExchangeContext context = new ExchangeContext();
          if (tracing.enabled()) {
            context.traceparent(request.getHeader("traceparent").map(h -> h.value()).orElse(null));
          }
          if (http == HttpObserver.NONE) {
            return withCaller(inner, context);
          }
          long start = System.nanoTime();
          return mapResponse(
              response -> {
                http.completed(HttpExchanges.of(request, response, start, context));
                return response;
              },
              () -> withCaller(inner, context));
        });
  }

  private Route withCaller(Function<Caller, Route> inner, ExchangeContext context) {
    return optionalHeaderValueByName(
        REQUEST_ID_HEADER,
        header -> {
          Caller anonymous = new Caller(RequestMeta.ANONYMOUS, requestId(header));
          Caller caller =
              tracing.enabled() ? anonymous.tracedFrom(context.traceparent()) : anonymous;
          context.requestId(caller.requestId());
          RawHeader echo = RawHeader.create(REQUEST_ID_HEADER, headerValue(caller.requestId()));
          return respondWithHeader(
              echo,
              () ->
                  Compression.encodeResponses(
                      compressMinSize,
                      () ->
                          withRequestTimeoutResponse(
                              request -> ErrorHandling.requestTimeout(caller).addHeader(echo),
                              () ->
                                  handleExceptions(
                                      ErrorHandling.exceptions(caller),
                                      () ->
                                          handleRejections(
                                              ErrorHandling.rejections(),
                                              () ->
                                                  refuseBrowserAbuse(
                                                      () ->
                                                          security.authorize(
                                                              caller,
                                                              who -> {
                                                                context.identified(who.identity());
                                                                return Compression.decodeRequests(
                                                                    () -> inner.apply(who));
                                                              })))))));
        });
  }

  /** {@link BrowserGuard}'s refusal as JSON, from the head alone: no body byte is read. */
  private Route refuseBrowserAbuse(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          MediaType type = request.entity().getContentType().mediaType();
          Optional<ApiException> refused =
              browsers.check(
                  request.method().name(),
                  request.getUri().path(),
                  request.getHeader("Host").map(HttpHeader::value),
                  request.getHeader("Origin").map(HttpHeader::value),
                  Optional.of(type.mainType() + "/" + type.subType()));
          return refused
              .map(e -> complete(Json.error(e.status(), e.getMessage())))
              .orElseGet(inner);
        });
  }

  /**
   * The request id as the header value to echo. pekko-http decodes well-formed UTF-8 in a request
   * header into the String, but writes a response header's chars as single bytes (each char's low
   * eight bits), which mangled every non-ASCII id. Handing it the UTF-8 bytes as Latin-1 chars
   * makes it write exactly the bytes the client sent. (Malformed UTF-8 never gets this far: {@code
   * connection.RequestFraming} makes pekko-http refuse it with 400.)
   */
  static String headerValue(String id) {
    for (int i = 0; i < id.length(); i++) {
      if (id.charAt(i) >= 0x80) {
        return new String(id.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      }
    }
    return id;
  }

  private static String requestId(Optional<String> header) {
    return header
        .map(String::trim)
        .filter(h -> !h.isEmpty() && h.length() <= MAX_REQUEST_ID_LENGTH)
        // A request id needs to be unique, not unguessable: SecureRandom (UUID.randomUUID) on
        // every request costs more than the rest of the routing.
        .orElseGet(
            () ->
                new UUID(
                        ThreadLocalRandom.current().nextLong(),
                        ThreadLocalRandom.current().nextLong())
                    .toString());
  }
}
