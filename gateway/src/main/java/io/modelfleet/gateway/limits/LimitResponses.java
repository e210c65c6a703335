package io.modelfleet.gateway.limits;

import io.modelfleet.gateway.Json;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

/**
 * The HTTP answer to a {@link Refused} request: {@code {"error": "..."}} with the refusal's status
 * and {@code Retry-After} in whole seconds (omitted when waiting cannot help, as for an upload
 * larger than a whole day's quota). Clients such as tritonclient and most HTTP retry policies read
 * Retry-After, so it is what makes a 429 back off instead of hammering.
 */
public final class LimitResponses {

  private LimitResponses() {}

  public static HttpResponse refused(Refused r) {
    HttpResponse response = Json.error(r.status(), r.message());
    return r.retryAfterSeconds() > 0
        ? response.addHeader(RetryAfter.create(r.retryAfterSeconds()))
        : response;
  }
}
