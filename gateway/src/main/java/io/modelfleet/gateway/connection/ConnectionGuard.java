package io.modelfleet.gateway.connection;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.gateway.routing.ClientGone;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One connection's requests and responses between pekko-http's server layer and the routes:
 *
 * <ul>
 *   <li>the keep-alive idle time: from the end of a response (its last byte handed to the
 *       connection) until the next request's head has arrived, at most {@code idleTimeout}; past it
 *       the connection is closed between messages, as HTTP allows;
 *   <li>the body rate: every streamed request body passes {@link BodyRate}; when it fails, the
 *       route's answer to that request (about a read that failed) is replaced by a 408 JSON with
 *       {@code Connection: close}, because the rest of the body will never be read;
 *   <li>draining at shutdown ({@link #drain}): an idle connection closes at once, a busy one after
 *       its response.
 * </ul>
 *
 * Time in a request (head received, response not yet sent) is never idle time: a repository load
 * may be silent for its whole load-timeout. Materializes to a future completed when the
 * connection's HTTP stream stops, which {@link GatewayBinding} uses to count connections.
 */
public final class ConnectionGuard
    extends GraphStageWithMaterializedValue<
        BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest>, CompletionStage<Done>> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Inlet<HttpResponse> responsesIn = Inlet.create("ConnectionGuard.responsesIn");
  private final Outlet<HttpResponse> responsesOut = Outlet.create("ConnectionGuard.responsesOut");
  private final Inlet<HttpRequest> requestsIn = Inlet.create("ConnectionGuard.requestsIn");
  private final Outlet<HttpRequest> requestsOut = Outlet.create("ConnectionGuard.requestsOut");
  private final BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest> shape =
      BidiShape.of(responsesIn, responsesOut, requestsIn, requestsOut);
  private final TransportSettings limits;
  private final Drains drains;

  ConnectionGuard(TransportSettings limits, Drains drains) {
    this.limits = limits;
    this.drains = drains;
  }

  public static BidiFlow<
          HttpResponse, HttpResponse, HttpRequest, HttpRequest, CompletionStage<Done>>
      bidi(TransportSettings limits, Drains drains) {
    return BidiFlow.fromGraph(new ConnectionGuard(limits, drains));
  }

  @Override
  public BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest> shape() {
    return shape;
  }

  /** Set from the body's stream when its rate fails; read when the response passes. */
  private static final class BodyFailure implements BodyRate.Listener {
    private volatile ApiException failure;

    @Override
    public void timedOut(ApiException f) {
      failure = f;
    }
  }

  @Override
  public Tuple2<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValue(
      Attributes attributes) {
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    TimerGraphStageLogic logic =
        new TimerGraphStageLogic(shape) {
          private final ArrayDeque<BodyFailure> bodies = new ArrayDeque<>();
          private final ClientGone gone = new ClientGone();
          private int outstanding;
          private int streaming;
          private boolean served;
          private boolean draining;
          private AsyncCallback<Done> responseSent;
          private Runnable drain;

          {
            setHandler(
                requestsIn,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    cancelTimer("idle");
                    outstanding++;
                    HttpRequest request = grab(requestsIn).addAttribute(ClientGone.ATTRIBUTE, gone);
                    BodyFailure body = new BodyFailure();
                    bodies.add(body);
                    if (limits.minBodyRate() > 0
                        && !(request.entity() instanceof HttpEntity.Strict)) {
                      request =
                          request.withEntity(
                              Entities.transform(
                                  request.entity(),
                                  BodyRate.flow(
                                      limits.minBodyRate(), limits.bodyRateGrace(), body)));
                    }
                    push(requestsOut, request);
                  }

                  @Override
                  public void onUpstreamFinish() {
                    // No more requests (the client closed, or a body was abandoned mid-way): the
                    // routes still answer the ones they have, and the responses' end then ends the
                    // stage. Requests still waiting for a replica are dropped (the socket is closed
                    // without half-close, so no answer could reach the client).
                    gone.fire();
                    complete(requestsOut);
                  }
                });
            setHandler(
                requestsOut,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    pull(requestsIn);
                  }
                });
            setHandler(
                responsesIn,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    HttpResponse response = grab(responsesIn);
                    outstanding--;
                    BodyFailure body = bodies.poll();
                    if (body != null && body.failure != null) {
                      response.discardEntityBytes(materializer());
                      HttpResponse failed =
                          Json.error(408, body.failure.getMessage())
                              .addHeader(Connection.create("close"));
                      for (var header : response.getHeaders()) {
                        // keep X-Request-Id and the like; the entity's own headers went with it
                        if (!header.is("content-encoding")
                            && !header.is("vary")
                            && !header.is("connection")) {
                          failed = failed.addHeader(header);
                        }
                      }
                      response = failed;
                      log.debug("answered 408: {}", body.failure.getMessage());
                    } else if (draining) {
                      response = response.addHeader(Connection.create("close"));
                    }
                    served = true;
                    if (!(response.entity() instanceof HttpEntity.Strict)) {
                      streaming++;
                      response =
                          response.withEntity(
                              Entities.transform(
                                  response.entity(),
                                  Flow.of(ByteString.class)
                                      .watchTermination(
                                          (m, done) -> {
                                            done.whenComplete(
                                                (d, t) -> responseSent.invoke(Done.getInstance()));
                                            return m;
                                          })));
                    }
                    push(responsesOut, response);
                    maybeIdle();
                  }
                });
            setHandler(
                responsesOut,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    pull(responsesIn);
                  }
                });
          }

          @Override
          public void preStart() {
            responseSent =
                createAsyncCallback(
                    d -> {
                      streaming--;
                      maybeIdle();
                    });
            AsyncCallback<Done> onDrain =
                createAsyncCallback(
                    d -> {
                      draining = true;
                      maybeIdle();
                    });
            drain = () -> onDrain.invoke(Done.getInstance());
            drains.add(drain);
          }

          @Override
          public void postStop() {
            drains.remove(drain);
            gone.fire();
            stopped.complete(Done.getInstance());
          }

          private void maybeIdle() {
            if (outstanding > 0 || streaming > 0) {
              return;
            }
            if (draining) {
              completeStage();
            } else if (served) {
              scheduleOnce("idle", limits.idleTimeout());
            }
          }

          @Override
          public void onTimer(Object key) {
            if (outstanding == 0 && streaming == 0) {
              log.debug(
                  "closing a kept-alive connection idle for {} ms",
                  limits.idleTimeout().toMillis());
              completeStage();
            }
          }
        };
    return Tuple2.apply(logic, stopped);
  }

  /** Every open connection's drain signal, for a graceful stop. */
  public static final class Drains {
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();

    void add(Runnable r) {
      open.add(r);
    }

    void remove(Runnable r) {
      if (r != null) {
        open.remove(r);
      }
    }

    /** Asks every connection to close once idle. */
    public void drainAll() {
      open.forEach(Runnable::run);
    }

    public int open() {
      return open.size();
    }
  }
}
