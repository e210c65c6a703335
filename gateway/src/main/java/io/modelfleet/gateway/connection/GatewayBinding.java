package io.modelfleet.gateway.connection;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol.SendBytes;
import org.apache.pekko.stream.TLSProtocol.SessionBytes;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

/**
 * The gateway's HTTP/1.1 listener. It does what {@code Http().newServerAt(..).bindFlow} does (TCP
 * bind, at most max-connections connections at once, pekko-http's server layer per connection) and
 * adds what pekko-http lacks, which needs the connection's bytes and so cannot be added to a
 * binding pekko-http builds:
 *
 * <pre>
 *   routes ⇄ ConnectionGuard ⇄ pekko-http server layer ⇄ TLS placebo ⇄ HeadGuard ⇄ [TLS] ⇄ stall timeout ⇄ kill switch ⇄ socket
 *            (idle keep-alive,                                         (header timeout,
 *             body rate → 408)                                          malformed UTF-8 in heads)
 * </pre>
 *
 * <p>With HTTPS on ({@link GatewayTls}), pekko-stream's TLS stage sits below HeadGuard, so every
 * guard above it sees the decrypted bytes exactly as it sees plain HTTP: the header timeout runs
 * from the connection's opening, so a client that never finishes its handshake is closed at the
 * same header-timeout as one that never finishes its head, and the stall timeout counts encrypted
 * bytes. pekko-http's server layer keeps its placebo: it only needs TLS for the session header,
 * which the gateway does not use.
 *
 * <p>A connection past max-connections is not accepted: it waits in the kernel's listen backlog
 * (pekko.http.server.backlog) until one closes, and past the backlog the kernel drops the SYN, so
 * the client's connect times out. That is why every way a connection can be held (a slow head, an
 * idle keep-alive, a slow body, a client that stops reading) has a timeout of its own.
 */
public final class GatewayBinding {

  private static final Logger log = LoggerFactory.getLogger(GatewayBinding.class);

  private final Tcp.ServerBinding tcp;
  private final SharedKillSwitch killSwitch;
  private final ConnectionGuard.Drains drains;

  private GatewayBinding(
      Tcp.ServerBinding tcp, SharedKillSwitch killSwitch, ConnectionGuard.Drains drains) {
    this.tcp = tcp;
    this.killSwitch = killSwitch;
    this.drains = drains;
  }

  /** Binds and serves {@code handler} on every connection; completes when bound. */
  public static CompletionStage<GatewayBinding> bind(
      ActorSystem<?> system,
      String host,
      int port,
      ServerSettings server,
      TransportSettings transport,
      Flow<HttpRequest, HttpResponse, NotUsed> handler) {
    return bind(system, host, port, server, transport, GatewayTls.off(), handler);
  }

  /** As above, serving HTTPS when {@code tls} is enabled. */
  public static CompletionStage<GatewayBinding> bind(
      ActorSystem<?> system,
      String host,
      int port,
      ServerSettings server,
      TransportSettings transport,
      GatewayTls tls,
      Flow<HttpRequest, HttpResponse, NotUsed> handler) {
    Materializer mat = Materializer.matFromSystem(system);
    LoggingAdapter pekkoLog = Logging.getLogger(system.classicSystem(), GatewayBinding.class);
    SharedKillSwitch killSwitch = KillSwitches.shared("gateway-" + host + ":" + port);
    ConnectionGuard.Drains drains = new ConnectionGuard.Drains();
    Attributes cancellationDelay =
        Attributes.apply(
            new Attributes.CancellationStrategy(
                Attributes.cancellationStrategyAfterDelay(
                    FiniteDuration.create(
                        server.getStreamCancellationDelay().toMillis(), TimeUnit.MILLISECONDS),
                    Attributes.cancellationStrategyFailStage())));

    // Built once and materialized per connection, as pekko-http's own binding does: building the
    // server layer primes its header parser, which costs milliseconds.
    Flow<ByteString, ByteString, CompletionStage<Done>> connection =
        handler
            .joinMat(
                ConnectionGuard.bidi(transport, drains)
                    .atop(Http.get(system).serverLayer(server, Optional.empty(), pekkoLog))
                    .atop(placebo())
                    .atop(
                        BidiFlow.fromFlows(
                            Flow.<ByteString>create(), HeadGuard.flow(transport.headerTimeout())))
                    .atop(tls.enabled() ? tls(tls) : BidiFlow.<ByteString, ByteString>identity())
                    .atop(
                        BidiFlow.<ByteString, ByteString>bidirectionalIdleTimeout(
                            transport.stallTimeout()))
                    .atop(
                        BidiFlow.fromFlows(
                            Flow.<ByteString>create().via(killSwitch.flow()),
                            Flow.<ByteString>create().via(killSwitch.flow()))),
                Keep.right())
            .addAttributes(cancellationDelay);

    return Tcp.get(system)
        .bind(host, port, server.getBacklog(), server.getSocketOptions(), false, Optional.empty())
        .mapAsyncUnordered(
            transport.maxConnections(),
            incoming -> {
              try {
                CompletionStage<Done> done = incoming.handleWith(connection, mat);
                // A failed connection (a head timeout, a reset) must not fail the listener.
                return done.handle((d, t) -> Done.getInstance());
              } catch (RuntimeException e) {
                log.error(
                    "could not start serving the connection from {}", incoming.remoteAddress(), e);
                return CompletableFuture.completedFuture(Done.getInstance());
              }
            })
        .to(Sink.ignore())
        .run(mat)
        .thenApply(tcp -> new GatewayBinding(tcp, killSwitch, drains));
  }

  /** TLSPlacebo's inbound type is SessionBytes, a subtype of what the server layer takes. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed>
      placebo() {
    return (BidiFlow) TLSPlacebo.getInstance();
  }

  /**
   * pekko-stream's TLS stage with plain bytes on top. A truncated session (the peer closed without
   * close_notify) carries no bytes and ends the connection as a close would.
   */
  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> tls(
      GatewayTls tls) {
    BidiFlow<ByteString, SslTlsOutbound, SslTlsInbound, ByteString, NotUsed> plain =
        BidiFlow.fromFlows(
            Flow.<ByteString>create().<SslTlsOutbound>map(SendBytes::new),
            Flow.<SslTlsInbound>create()
                .filter(SessionBytes.class::isInstance)
                .map(in -> ((SessionBytes) in).bytes()));
    // eagerClose, as pekko-http's own HTTPS server: either side's end closes the session.
    return plain.atop(TLS.create(tls::newServerEngine, TLSClosing.eagerClose()));
  }

  public InetSocketAddress localAddress() {
    return tcp.localAddress();
  }

  /**
   * Stops accepting, lets every connection finish the request it is serving (idle ones close at
   * once, busy ones after their response), and after {@code deadline} cuts whatever is left.
   */
  public CompletionStage<Void> terminate(Duration deadline) {
    long until = System.nanoTime() + deadline.toNanos();
    return tcp.unbind()
        .thenCompose(
            unbound ->
                CompletableFuture.runAsync(
                    () -> {
                      drains.drainAll();
                      while (drains.open() > 0 && System.nanoTime() < until) {
                        try {
                          Thread.sleep(20);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          break;
                        }
                      }
                      if (drains.open() > 0) {
                        log.info(
                            "closing {} connections still open after {} ms",
                            drains.open(),
                            deadline.toMillis());
                      }
                      killSwitch.shutdown();
                    }));
  }
}
