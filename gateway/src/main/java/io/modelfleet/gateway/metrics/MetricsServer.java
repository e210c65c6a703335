package io.modelfleet.gateway.metrics;

import com.typesafe.config.Config;
import io.modelfleet.gateway.GatewayServer;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.connection.GatewayBinding;
import io.modelfleet.gateway.connection.GatewayTls;
import io.modelfleet.gateway.connection.TransportSettings;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.security.TenantDirectory;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metrics.MetricsSettings;
import io.modelfleet.ops.metrics.NodeMetrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The separate metrics port, as Triton has one (8002 by default, {@code
 * modelfleet.ops.metrics.port}): {@code GET /metrics} only, on the gateway's host, with the HTTP
 * port's listener, TLS and caller handling (request id, JSON errors, the HTTP metrics). It runs on
 * every node, workers without the gateway role included, since metrics are per node; so it keeps
 * its own copy of the API keys rather than borrowing a gateway's.
 *
 * <p>A key is needed as on the HTTP port unless {@code port-requires-key = off} opens this port
 * (not the HTTP port) to anyone who reaches it, as Triton's is; with {@code
 * modelfleet.security.mode = off} it is open anyway.
 */
public final class MetricsServer {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final GatewayBinding binding;
  private final Optional<GatewaySecurity> security;
  private final Duration terminationDeadline;

  private MetricsServer(
      GatewayBinding binding, Optional<GatewaySecurity> security, Duration terminationDeadline) {
    this.binding = binding;
    this.security = security;
    this.terminationDeadline = terminationDeadline;
  }

  /**
   * Binds the metrics port; completes when bound, or with the bind error. The node's {@link
   * NodeMetrics} must be installed and its settings must serve a port.
   */
  public static CompletionStage<MetricsServer> start(ActorSystem<?> system) {
    Config config = system.settings().config();
    NodeMetrics metrics =
        Ops.get(system)
            .find(NodeMetrics.class)
            .orElseThrow(() -> new IllegalStateException("metrics are off on this node"));
    MetricsSettings settings = metrics.settings();
    GatewaySettings gateway = GatewaySettings.fromConfig(config);
    TransportSettings transport = TransportSettings.fromConfig(config);
    GatewayTls tls = GatewayTls.fromConfig(config);
    // An open port needs no keys; a keyed one keeps its own copy of them (a worker-only node has no
    // gateway to borrow them from).
    Optional<GatewaySecurity> security =
        settings.portRequiresKey()
            ? Optional.of(
                GatewaySecurity.start(
                    system,
                    gateway.maxJsonBody(),
                    Optional.empty(),
                    new TenantDirectory(),
                    model -> CompletableFuture.completedFuture(null),
                    GatewayServer.nextInstance()))
            : Optional.empty();
    MetricsRoutes routes =
        new MetricsRoutes(
            Optional.of(metrics), system.dispatchers().lookup(DispatcherSelector.blocking()));
    Route route =
        new MetricsPortRoute(
                routes::route, security, transport.compressMinSize(), Ops.get(system).observers())
            .route();
    String host = gateway.host();
    int port = settings.port();
    if (!settings.portRequiresKey()) {
      log.warn(
          "modelfleet.ops.metrics.port-requires-key = off: anyone who can reach {}:{} reads this"
              + " node's metrics, which name every tenant's models",
          host,
          port);
    }
    CompletionStage<Void> keys =
        security.map(s -> s.loadKeys(system)).orElse(CompletableFuture.completedFuture(null));
    return keys.thenCompose(
            loaded ->
                GatewayBinding.bind(
                    system,
                    host,
                    port,
                    GatewayServer.serverSettings(config, gateway, transport),
                    transport,
                    tls,
                    route.flow(system)))
        .handle(
            (binding, failure) -> {
              if (failure != null) {
                security.ifPresent(GatewaySecurity::stop);
                throw new CompletionException(
                    "the metrics port could not bind "
                        + host
                        + ":"
                        + port
                        + " (modelfleet.ops.metrics.port, MODELFLEET_METRICS_PORT; 0 turns it off)",
                    failure);
              }
              log.info(
                  "metrics on {}/metrics ({})",
                  binding.localAddress(),
                  tls.enabled() ? "HTTPS" : "HTTP");
              return new MetricsServer(binding, security, transport.terminationDeadline());
            });
  }

  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /** Stops accepting scrapes, lets open ones finish, and stops the key subscription. */
  public CompletionStage<Void> stop() {
    return binding
        .terminate(terminationDeadline)
        .handle(
            (terminated, failure) -> {
              security.ifPresent(GatewaySecurity::stop);
              return null;
            });
  }
}
