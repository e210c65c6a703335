package io.modelfleet.node;

import com.typesafe.config.Config;
import io.modelfleet.gateway.GatewayServer;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.protocol.service.KeyAdmin;
import io.modelfleet.protocol.service.MemberDrains;
import io.modelfleet.protocol.service.ModelCatalog;
import io.modelfleet.protocol.service.ModelUploads;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a node with the gateway role runs: the HTTP server, bound before start returns, and unbound
 * in coordinated shutdown's service-unbind phase, after the worker's drain.
 */
final class GatewayRole {
  private GatewayRole() {}

  static GatewayServer start(
      ActorSystem<?> system,
      Config config,
      ModelUploads uploads,
      ModelCatalog catalog,
      MemberDrains drains,
      KeyAdmin keyAdmin)
      throws Exception {
    GatewayServer started =
        GatewayServer.start(
                system,
                GatewaySettings.fromConfig(config),
                uploads,
                catalog,
                drains,
                Optional.of(keyAdmin))
            .toCompletableFuture()
            .get(NodeTimeouts.fromConfig(config).bindTimeout().toMillis(), TimeUnit.MILLISECONDS);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "gateway-unbind",
            () -> started.stop().thenApply(v -> Done.getInstance()));
    return started;
  }
}
