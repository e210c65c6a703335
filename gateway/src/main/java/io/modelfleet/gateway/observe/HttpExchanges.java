package io.modelfleet.gateway.observe;

import io.modelfleet.gateway.security.Identity;
import io.modelfleet.ops.observe.HttpExchange;
import io.modelfleet.protocol.security.ApiKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Makes the {@link HttpExchange} of a request the gateway answered. */
public final class HttpExchanges {
  private HttpExchanges() {}

  public static HttpExchange of(
      HttpRequest request, HttpResponse response, long startNanos, ExchangeContext context) {
    String path = request.getUri().path();
    Identity who = context.identity();
    return new HttpExchange(
        request.method().name(),
        path,
        RouteTemplates.of(path),
        response.status().intValue(),
        System.nanoTime() - startNanos,
        context.requestId(),
        who.principal(),
        who.key().map(ApiKey::id).orElse(""),
        who.tenant(),
        request.entity().getContentLengthOption().orElse(-1L),
        response.entity().getContentLengthOption().orElse(-1L));
  }
}
