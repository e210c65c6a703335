package io.modelfleet.gateway.connection;

import io.modelfleet.gateway.ApiException;
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

/**
 * The minimum data rate of one request body, as Kestrel's MinRequestBodyDataRate: once the body has
 * been waited for longer than the grace period, it must have arrived at {@code minRate} bytes per
 * second of waiting on average, or it fails with a 408 {@link ApiException}. Only the time the
 * reader waits for bytes counts ({@link WaitClock}): a route that reads slowly (an upload streamed
 * to disk, a body that waits for memory) is not the client's fault. A fixed body timeout would cut
 * a large model upload on a good link; a rate does not, and a body trickled at a byte a second
 * still ends within the grace period.
 */
public final class BodyRate extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** Fails the body; {@link ConnectionGuard} notices through {@link #timedOut}. */
  public interface Listener {
    void timedOut(ApiException failure);
  }

  private final Inlet<ByteString> in = Inlet.create("BodyRate.in");
  private final Outlet<ByteString> out = Outlet.create("BodyRate.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final long minRate;
  private final Duration grace;
  private final Listener listener;

  BodyRate(long minRate, Duration grace, Listener listener) {
    this.minRate = minRate;
    this.grace = grace;
    this.listener = listener;
  }

  public static Flow<ByteString, ByteString, NotUsed> flow(
      long minBytesPerSecond, Duration grace, Listener listener) {
    return Flow.fromGraph(new BodyRate(minBytesPerSecond, grace, listener));
  }

  /** Waiting time (ns) at which {@code bytes} stop being enough. */
  static long deadline(long bytes, long minRate, long graceNanos) {
    double byRate = bytes * 1e9 / minRate;
    return Math.max(graceNanos, byRate >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) byRate);
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private final WaitClock clock = new WaitClock();
      private long bytes;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                clock.stop(System.nanoTime());
                cancelTimer("rate");
                ByteString b = grab(in);
                bytes += b.length();
                push(out, b);
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
                clock.start(System.nanoTime());
                check();
              }
            });
      }

      private void check() {
        long now = System.nanoTime();
        long left = deadline(bytes, minRate, grace.toNanos()) - clock.waited(now);
        if (left < 0) {
          ApiException failure =
              new ApiException(
                  408,
                  "the request body arrived slower than "
                      + minRate
                      + " bytes per second (modelfleet.gateway.min-body-rate) after a grace period of "
                      + grace.toMillis()
                      + " ms (modelfleet.gateway.body-rate-grace)");
          listener.timedOut(failure);
          failStage(failure);
        } else {
          scheduleOnce("rate", Duration.ofNanos(left + 1_000_000));
        }
      }

      @Override
      public void onTimer(Object key) {
        if (clock.running()) {
          check();
        }
      }
    };
  }
}
