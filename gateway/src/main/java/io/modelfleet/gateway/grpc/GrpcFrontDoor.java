package io.modelfleet.gateway.grpc;

import com.typesafe.config.Config;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.modelfleet.gateway.connection.GatewayTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC listener of the gateway ({@code modelfleet.gateway.grpc.port}, 0 = none), bound to the
 * gateway's host, on grpc-java's Netty transport (grpc-netty-shaded); TLS exactly when the
 * gateway's HTTPS is on. Handlers never block, so calls run on the transport's threads (direct
 * executor).
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

  /**
   * Starts serving {@code service} on {@code host}:{@code port}; empty when port is 0. With {@code
   * tls} on (the gateway's HTTPS key store), only TLS is spoken, with the same key and certificate
   * as HTTPS; a plaintext client fails its first call. A message larger than {@code
   * maxMessageBytes} (the gateway's max-json-body, HTTP's request size limit) is refused with
   * RESOURCE_EXHAUSTED before it is read.
   */
  public static Optional<GrpcFrontDoor> start(
      String host, int port, BindableService service, long maxMessageBytes, GatewayTls tls) {
    if (port == 0) {
      return Optional.empty();
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .directExecutor()
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
            .addService(ServerInterceptors.intercept(service, GrpcInferenceService.credentials()));
    tls.context().ifPresent(context -> builder.sslContext(sslContext(context)));
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("gateway could not bind gRPC " + host + ":" + port, e);
    }
    log.info(
        "gateway gRPC listening on {} ({})",
        server.getListenSockets(),
        tls.enabled() ? "TLS" : "plaintext");
    return Optional.of(new GrpcFrontDoor(server));
  }

  /**
   * Netty's server context over the gateway's own JDK context (its key managers hold the key
   * store's key): ALPN offering h2 only and HTTP/2's cipher suites, as gRPC requires.
   */
  private static SslContext sslContext(SSLContext context) {
    return new JdkSslContext(
        context,
        false,
        Http2SecurityUtil.CIPHERS,
        SupportedCipherSuiteFilter.INSTANCE,
        new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2),
        ClientAuth.NONE,
        null,
        false);
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
