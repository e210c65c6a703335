package io.modelfleet.gateway.connection;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request bytes of one connection on their way from the socket to pekko-http's parser: each
 * head must arrive whole within the header timeout, and its bytes are cleaned by {@link
 * RequestFraming}. The first head's time starts when the connection opens; a later head's with its
 * first byte (the wait for it is the keep-alive idle time, which {@link ConnectionGuard} bounds).
 * Bytes that trickle in do not restart the time. Only time the server waits for bytes counts
 * ({@link WaitClock}), so a pipelined head that sits in the socket while an earlier request is
 * served is not charged for it. Past the timeout the connection is closed (failed with {@link
 * HeadTimeoutException}), without a response: nothing is known yet of the request.
 */
public final class HeadGuard extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** Why a connection was closed: its head did not arrive in time. */
  public static final class HeadTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeadTimeoutException(Duration timeout) {
      super(
          "the request head did not arrive within "
              + timeout.toMillis()
              + " ms (modelfleet.gateway.header-timeout)",
          null,
          false,
          false);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(HeadGuard.class);

  private final Inlet<ByteString> in = Inlet.create("HeadGuard.in");
  private final Outlet<ByteString> out = Outlet.create("HeadGuard.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Duration timeout;

  public HeadGuard(Duration timeout) {
    this.timeout = timeout;
  }

  public static Flow<ByteString, ByteString, NotUsed> flow(Duration timeout) {
    return Flow.fromGraph(new HeadGuard(timeout));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private final RequestFraming framing = new RequestFraming();
      private final WaitClock clock = new WaitClock();
      private final long limit = timeout.toNanos();
      private long heads = framing.headsStarted();

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                long now = System.nanoTime();
                clock.stop(now);
                ByteString passed = framing.feed(grab(in));
                if (framing.headsStarted() != heads) {
                  heads = framing.headsStarted();
                  clock.reset(now);
                }
                if (passed.isEmpty()) {
                  askForMore();
                } else {
                  cancelTimer("head");
                  push(out, passed);
                }
              }

              @Override
              public void onUpstreamFinish() {
                ByteString rest = framing.flush();
                if (!rest.isEmpty()) {
                  emit(out, rest);
                }
                complete(out); // after the emit, if one is pending
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                askForMore();
              }
            });
      }

      private void askForMore() {
        pull(in);
        if (framing.inHead()) {
          long now = System.nanoTime();
          clock.start(now);
          long left = limit - clock.waited(now);
          if (left <= 0) {
            failStage(new HeadTimeoutException(timeout));
          } else {
            scheduleOnce("head", Duration.ofNanos(left));
          }
        }
      }

      @Override
      public void onTimer(Object key) {
        long now = System.nanoTime();
        if (!framing.inHead() || !clock.running()) {
          return;
        }
        long left = limit - clock.waited(now);
        if (left <= 0) {
          // Debug only: under a slow-head attack this would be a line per connection.
          log.debug(
              "closing a connection whose request head did not arrive within {} ms",
              timeout.toMillis());
          failStage(new HeadTimeoutException(timeout));
        } else {
          scheduleOnce("head", Duration.ofNanos(left));
        }
      }
    };
  }
}
