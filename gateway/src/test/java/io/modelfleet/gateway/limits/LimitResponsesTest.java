package io.modelfleet.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.limits.Refused.Kind;
import io.modelfleet.gateway.limits.Refused.Scope;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

class LimitResponsesTest {

  private static String body(HttpResponse r) {
    return ((HttpEntity.Strict) r.entity()).getData().utf8String();
  }

  @Test
  void a429CarriesTheSentenceAsJsonAndRetryAfterInSeconds() throws Exception {
    HttpResponse r =
        LimitResponses.refused(
            new Refused(Scope.KEY, Kind.RATE, 429, 3, "rate limit of this key exceeded"));
    assertEquals(429, r.status().intValue());
    assertEquals(ContentTypes.APPLICATION_JSON, r.entity().getContentType());
    assertEquals("3", r.getHeader("Retry-After").orElseThrow().value());
    assertEquals(
        "rate limit of this key exceeded", Json.MAPPER.readTree(body(r)).get("error").asText());
  }

  @Test
  void anUploadThatCanNeverFitHasNoRetryAfter() {
    HttpResponse r =
        LimitResponses.refused(new Refused(Scope.TENANT, Kind.UPLOAD_BYTES, 413, 0, "too large"));
    assertEquals(413, r.status().intValue());
    assertTrue(r.getHeader("Retry-After").isEmpty());
  }
}
