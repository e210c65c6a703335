package io.modelfleet.gateway.grpc;

import com.typesafe.config.Config;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC listener of the gateway ({@code modelfleet.gateway.grpc.port}, 0 = none), bound to the
 * gateway's host. Handlers never block, so calls run on the transport's threads (direct executor).
 */
public final class GrpcFrontDoor {

  private static final Logger log = LoggerFactory.getLogger(GrpcFrontDoor.class);

  private final Server server;

  private GrpcFrontDoor(Server server) {
    this.server = server;
  }

  /** The configured port; 0 means the gateway serves no gRPC. */
  public static int port(Config root) {
    return root.getInt("modelfleet.gateway.grpc.port");
  }

  /** Starts serving {@code service} on {@code host}:{@code port}; empty when port is 0. */
  public static Optional<GrpcFrontDoor> start(
      String host, int port, GrpcInferenceService service, long maxMessageBytes) {
    if (port == 0) {
      return Optional.empty();
    }
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .directExecutor()
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
            .addService(ServerInterceptors.intercept(service, GrpcInferenceService.credentials()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("gateway could not bind gRPC " + host + ":" + port, e);
    }
    log.info("gateway gRPC listening on {}", server.getListenSockets());
    return Optional.of(new GrpcFrontDoor(server));
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls, lets open ones finish within {@code deadline}, then cuts the rest. */
  public void stop(Duration deadline) {
    server.shutdown();
    try {
      if (!server.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
