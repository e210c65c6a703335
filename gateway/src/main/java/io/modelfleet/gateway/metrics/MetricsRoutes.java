package io.modelfleet.gateway.metrics;

import io.modelfleet.gateway.Caller;
import io.modelfleet.ops.metrics.NodeMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: this node's Prometheus metrics in the text format (0.0.4), on the HTTP port
 * and on the metrics port ({@link MetricsServer}). It needs a READ_CLUSTER key (see {@code
 * RoutePermissions}), since the metrics name every tenant's models; a tenant's key is refused. The
 * scrape reads gauges (the JVM's, the GPUs', the cluster's) and runs on the blocking dispatcher,
 * never on the one that serves requests. With metrics off the route does not exist (404).
 */
public final class MetricsRoutes extends AllDirectives {

  private static final ContentType TEXT = ContentTypes.parse(NodeMetrics.CONTENT_TYPE);

  private final Optional<NodeMetrics> metrics;
  private final Executor blocking;

  /**
   * @param metrics the node's metrics, empty when they are off
   * @param blocking where a scrape runs
   */
  public MetricsRoutes(Optional<NodeMetrics> metrics, Executor blocking) {
    this.metrics = metrics;
    this.blocking = blocking;
  }

  public Route route(Caller caller) {
    if (metrics.isEmpty()) {
      return reject();
    }
    NodeMetrics m = metrics.get();
    return path(
        "metrics",
        () ->
            get(
                () ->
                    completeWithFuture(
                        CompletableFuture.supplyAsync(
                            () -> HttpResponse.create().withEntity(TEXT, m.scrape()), blocking))));
  }
}
