package io.modelfleet.ops.alerts.notify;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where alert transitions go and how hard the node tries: {@code modelfleet.ops.alerts.webhooks},
 * {@code alertmanagers} and {@code notify}.
 */
public record NotifySettings(
    List<URI> webhooks,
    List<URI> alertmanagers,
    String receiver,
    Duration timeout,
    int retries,
    Duration retryBackoff,
    Duration resendInterval) {

  public NotifySettings {
    webhooks = List.copyOf(webhooks);
    alertmanagers = List.copyOf(alertmanagers);
    if (retries < 0) {
      throw new IllegalArgumentException("modelfleet.ops.alerts.notify.retries must be >= 0");
    }
  }

  /** Reads the settings from {@code modelfleet.ops.alerts}. */
  public static NotifySettings of(Config alerts) {
    Config n = alerts.getConfig("notify");
    return new NotifySettings(
        uris(alerts.getStringList("webhooks"), "webhooks"),
        uris(alerts.getStringList("alertmanagers"), "alertmanagers"),
        n.getString("receiver"),
        n.getDuration("timeout"),
        n.getInt("retries"),
        n.getDuration("retry-backoff"),
        n.getDuration("resend-interval"));
  }

  public boolean any() {
    return !webhooks.isEmpty() || !alertmanagers.isEmpty();
  }

  private static List<URI> uris(List<String> texts, String key) {
    return texts.stream()
        .map(
            t -> {
              URI u = URI.create(t.strip());
              if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException(
                    "modelfleet.ops.alerts." + key + " takes http(s) URLs, got " + redact(u));
              }
              return u;
            })
        .toList();
  }

  /** The URL as logs may show it: no user info, query or fragment (they may hold a token). */
  public static String redact(URI u) {
    return (u.getScheme() == null ? "" : u.getScheme() + "://")
        + (u.getHost() == null ? "" : u.getHost())
        + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (u.getPath() == null ? "" : u.getPath());
  }
}
