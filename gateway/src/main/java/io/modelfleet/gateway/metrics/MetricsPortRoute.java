package io.modelfleet.gateway.metrics;

import io.modelfleet.gateway.Caller;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.connection.Compression;
import io.modelfleet.gateway.observe.ExchangeContext;
import io.modelfleet.gateway.observe.HttpExchanges;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.ops.observe.HttpObserver;
import io.modelfleet.ops.observe.Observers;
import io.modelfleet.protocol.model.RequestMeta;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What the metrics port serves around {@link MetricsRoutes}: the caller (authenticated by {@code
 * security} when given, anonymous otherwise), JSON errors for every failure and refusal,
 * compression for a client that asks, and the exchange reported to the HTTP observers, as on the
 * HTTP port. A port that only answers scrapes needs neither the browser guard nor request-id
 * echoing.
 */
final class MetricsPortRoute extends AllDirectives {
  private final Function<Caller, Route> inner;
  private final Optional<GatewaySecurity> security;
  private final long compressMinSize;
  private final Observers observers;

  MetricsPortRoute(
      Function<Caller, Route> inner,
      Optional<GatewaySecurity> security,
      long compressMinSize,
      Observers observers) {
    this.inner = inner;
    this.security = security;
    this.compressMinSize = compressMinSize;
    this.observers = observers;
  }

  Route route() {
    return extractRequest(
        request -> {
          HttpObserver http = observers.http();
          long start = System.nanoTime();
          ExchangeContext context = new ExchangeContext();
          Caller caller =
              new Caller(
                  RequestMeta.ANONYMOUS,
                  new UUID(
                          ThreadLocalRandom.current().nextLong(),
                          ThreadLocalRandom.current().nextLong())
                      .toString());
          context.requestId(caller.requestId());
          return mapResponse(
              response -> {
                http.completed(HttpExchanges.of(request, response, start, context));
                return response;
              },
              () ->
                  Compression.encodeResponses(
                      compressMinSize,
                      () ->
                          handleExceptions(
                              ErrorHandling.exceptions(caller),
                              () ->
                                  handleRejections(
                                      ErrorHandling.rejections(),
                                      () -> authorized(caller, context)))));
        });
  }

  private Route authorized(Caller caller, ExchangeContext context) {
    if (security.isEmpty()) {
      return inner.apply(caller);
    }
    return security
        .get()
        .authorize(
            caller,
            who -> {
              context.identified(who.identity());
              return inner.apply(who);
            });
  }
}
