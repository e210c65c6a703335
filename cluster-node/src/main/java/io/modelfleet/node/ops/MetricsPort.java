package io.modelfleet.node.ops;

import io.modelfleet.gateway.metrics.MetricsServer;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metrics.NodeMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The metrics port of a node (every node, whatever its roles), bound before start returns when
 * metrics are on and {@code modelfleet.ops.metrics.port} is not 0, and unbound with the HTTP port
 * in coordinated shutdown. A port that cannot be bound stops the node's start, as the HTTP port
 * does.
 */
public final class MetricsPort {
  private MetricsPort() {}

  /** The bound metrics server, or empty when the node serves no metrics port. */
  public static Optional<MetricsServer> start(ActorSystem<?> system, Duration bindTimeout)
      throws Exception {
    Optional<NodeMetrics> metrics = Ops.get(system).find(NodeMetrics.class);
    if (metrics.isEmpty() || !metrics.get().settings().servesPort()) {
      return Optional.empty();
    }
    MetricsServer server =
        MetricsServer.start(system)
            .toCompletableFuture()
            .get(bindTimeout.toMillis(), TimeUnit.MILLISECONDS);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "metrics-unbind",
            () -> server.stop().thenApply(v -> Done.getInstance()));
    return Optional.of(server);
  }
}
