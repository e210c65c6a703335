package io.modelfleet.ops.metrics;

import io.modelfleet.ops.observe.HttpExchange;
import io.modelfleet.ops.observe.HttpObserver;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code modelfleet_http_requests_total} (method, route, status) and {@code
 * modelfleet_http_request_duration_seconds} (method, route): every request the gateway answered, as
 * an {@link HttpObserver}. The route is the template ({@code /v2/models/{m}/infer}), never the
 * path, and a method outside HTTP's own is "other", so no client can grow the number of series. The
 * data points of each (method, route, status) are looked up once and kept.
 */
public final class HttpMetrics implements HttpObserver {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");

  private record Key(String method, String route, int status) {}

  private record Cell(CounterDataPoint requests, DistributionDataPoint duration) {}

  private final Counter requests;
  private final Histogram duration;
  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

  public HttpMetrics(PrometheusRegistry registry, MetricsSettings settings) {
    requests =
        Counter.builder()
            .name("modelfleet_http_requests_total")
            .help("HTTP requests the gateway answered, by method, route template and status")
            .labelNames("method", "route", "status")
            .withoutExemplars()
            .register(registry);
    duration =
        Histogram.builder()
            .name("modelfleet_http_request_duration_seconds")
            .help(
                "Time from a request's head arriving to its response being handed to the"
                    + " connection, by method and route template")
            .labelNames("method", "route")
            .classicOnly()
            .classicUpperBounds(MetricsSettings.array(settings.latencyBuckets()))
            .withoutExemplars()
            .register(registry);
  }

  @Override
  public void completed(HttpExchange e) {
    String method = METHODS.contains(e.method()) ? e.method() : "other";
    Key key = new Key(method, e.route(), e.status());
    Cell cell = cells.get(key);
    if (cell == null) {
      cell = cells.computeIfAbsent(key, this::cell);
    }
    cell.requests().inc();
    cell.duration().observe(e.durationNanos() / 1e9);
  }

  private Cell cell(Key k) {
    return new Cell(
        requests.labelValues(k.method(), k.route(), Integer.toString(k.status())),
        duration.labelValues(k.method(), k.route()));
  }
}
