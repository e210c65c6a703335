package io.modelfleet.ops.alerts.notify;

import io.modelfleet.ops.alerts.notify.AlertmanagerJson.Notified;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alert transitions to the configured webhooks (Alertmanager's webhook JSON) and
 * Alertmanagers ({@code /api/v2/alerts}), with the JDK's HTTP client, asynchronously: a call
 * returns at once, and a receiver that is down or slow never holds up an evaluation. A request that
 * fails (no connection, timeout, a status other than 2xx) is tried again {@code retries} times,
 * waiting {@code retry-backoff}, then twice that, and so on; then it is logged and dropped (the
 * alert stays visible in {@code GET /v1/alerts}). Logs show a URL without its user info or query,
 * which may hold a token.
 */
public final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  private final NotifySettings settings;
  private final String externalUrl;
  private final HttpClient client;

  public Notifier(NotifySettings settings, String externalUrl) {
    this.settings = settings;
    this.externalUrl = externalUrl;
    this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  /**
   * Sends one round's transitions: to each webhook one payload per status and alert name, and to
   * each Alertmanager all of them at once.
   */
  public void send(List<Notified> transitions) {
    if (transitions.isEmpty() || !settings.any()) {
      return;
    }
    Map<List<String>, List<Notified>> groups = new LinkedHashMap<>();
    for (Notified n : transitions) {
      groups.computeIfAbsent(List.of(n.status(), n.alert().name()), k -> new ArrayList<>()).add(n);
    }
    for (URI hook : settings.webhooks()) {
      groups.forEach(
          (k, group) ->
              post(
                  hook,
                  AlertmanagerJson.webhook(
                      settings.receiver(), k.get(0), k.get(1), group, externalUrl)));
    }
    toAlertmanagers(transitions);
  }

  /** Posts {@code alerts} to every configured Alertmanager (firing ones are re-sent this way). */
  public void toAlertmanagers(List<Notified> alerts) {
    if (alerts.isEmpty() || settings.alertmanagers().isEmpty()) {
      return;
    }
    byte[] body = AlertmanagerJson.postable(alerts, externalUrl);
    for (URI am : settings.alertmanagers()) {
      String base = am.toString().replaceAll("/+$", "");
      post(URI.create(base + "/api/v2/alerts"), body);
    }
  }

  /** Posts {@code body}, retrying; completes with whether a 2xx answer came. */
  public CompletableFuture<Boolean> post(URI to, byte[] body) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    attempt(to, body, 0, settings.retryBackoff(), done);
    return done;
  }

  private void attempt(
      URI to, byte[] body, int attempt, Duration backoff, CompletableFuture<Boolean> done) {
    HttpRequest request =
        HttpRequest.newBuilder(to)
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "ModelFleet-alerts")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              if (failure == null && response.statusCode() / 100 == 2) {
                done.complete(true);
                return;
              }
              String why =
                  failure != null
                      ? failure.getClass().getSimpleName() + ": " + failure.getMessage()
                      : "status " + response.statusCode();
              if (attempt >= settings.retries()) {
                log.warn(
                    "Alert notification to {} failed after {} attempt(s): {}",
                    NotifySettings.redact(to),
                    attempt + 1,
                    why);
                done.complete(false);
                return;
              }
              CompletableFuture.runAsync(
                  () -> attempt(to, body, attempt + 1, backoff.multipliedBy(2), done),
                  CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS));
            });
  }
}
