package io.modelfleet.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/** Reading {@code GET /v1/alerts} in tests. */
public final class Alerts {
  private Alerts() {}

  /** In a {@code GET /v1/alerts} response: the alert {@code name} with label key = value. */
  public static Optional<JsonNode> find(Http.Response r, String name, String key, String value) {
    if (r.status() != 200) {
      throw new AssertionError("GET /v1/alerts answered " + r.status() + " " + r.body());
    }
    for (JsonNode a : r.json().get("alerts")) {
      if (name.equals(a.path("name").asText())
          && value.equals(a.path("labels").path(key).asText())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Waits until that alert is firing; returns it. */
  public static JsonNode awaitFiring(
      Http http, String name, String key, String value, Duration timeout) {
    Http.Response r =
        http.await(
            "/v1/alerts",
            x ->
                find(x, name, key, value)
                    .filter(a -> "firing".equals(a.path("state").asText()))
                    .isPresent(),
            timeout);
    return find(r, name, key, value).orElseThrow();
  }

  /** Waits until that alert is no longer listed. */
  public static void awaitGone(Http http, String name, String key, String value, Duration timeout) {
    http.await("/v1/alerts", x -> find(x, name, key, value).isEmpty(), timeout);
  }
}
