package io.modelfleet.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.ops.metrics.MetricsInstaller;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;

/** The metrics port opened to scrapers without a key ({@code port-requires-key = off}). */
class MetricsServerTest {

  @Test
  void anOpenMetricsPortServesOnlyGetMetrics() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "modelfleet.gateway.host = 127.0.0.1\n"
                    + "modelfleet.ops.metrics.port-requires-key = off\n"
                    + "modelfleet.ops.metrics.port = "
                    + port)
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    try {
      MetricsInstaller.install(kit.system(), config).orElseThrow();
      MetricsServer server =
          MetricsServer.start(kit.system()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertEquals(port, server.localAddress().getPort());
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      HttpResponse<String> scrape =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode(), scrape.body());
      assertTrue(
          scrape
              .headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("text/plain; version=0.0.4"));
      assertTrue(PrometheusText.parse(scrape.body()).value("nv_cpu_memory_total_bytes") > 0);
      HttpResponse<String> other =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode());
      assertTrue(other.body().startsWith("{\"error\""), other.body());
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode(), post.body());
      HttpResponse<String> again =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      PrometheusText t = PrometheusText.parse(again.body());
      assertEquals(
          1,
          t.value(
              "modelfleet_http_requests_total",
              "method",
              "GET",
              "route",
              "/metrics",
              "status",
              "200"),
          "the port's own exchanges are counted, after they are answered");
      server.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
