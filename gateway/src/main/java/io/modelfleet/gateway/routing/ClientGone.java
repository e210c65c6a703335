package io.modelfleet.gateway.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Tells the requests of one client connection (or one gRPC call) that their client went away, so
 * that a request still waiting in a replica's queue is dropped instead of computed for nobody.
 *
 * <p>One per HTTP connection (the connection's {@code ConnectionGuard} fires it when the socket
 * closes, and hands it to every request as the {@link #ATTRIBUTE}), or one per gRPC call (fired by
 * the call's cancellation). A request {@link #watch watches} it while it is in flight and stops
 * watching when answered, so a keep-alive connection serving millions of requests holds only the
 * watchers of the requests in flight: a connection-long future collecting a callback per request
 * would grow without end.
 */
public final class ClientGone {

  /**
   * The request attribute under which the gateway's connection layer hands a request its signal.
   */
  public static final AttributeKey<ClientGone> ATTRIBUTE =
      AttributeKey.create("modelfleet-client-gone", ClientGone.class);

  /** For requests with no connection to watch (tests, internal callers): never fires. */
  public static final ClientGone NEVER = new ClientGone();

  /** Stops watching; idempotent. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private static final Watch NOTHING = () -> {};

  private final Set<Runnable> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean gone;

  /** The signal of {@code request}'s connection, or {@link #NEVER}. */
  public static ClientGone of(HttpRequest request) {
    return request.getAttribute(ATTRIBUTE).orElse(NEVER);
  }

  /**
   * Runs {@code onGone} once if the client goes away before {@link Watch#close}; at once (on this
   * thread) if it is gone already.
   */
  public Watch watch(Runnable onGone) {
    if (this == NEVER) {
      return NOTHING;
    }
    watchers.add(onGone);
    if (gone && watchers.remove(onGone)) {
      onGone.run();
      return NOTHING;
    }
    return () -> watchers.remove(onGone);
  }

  /** The client went away: runs every watcher once. */
  public void fire() {
    if (this == NEVER) {
      return;
    }
    gone = true;
    for (Runnable r : watchers) {
      if (watchers.remove(r)) {
        r.run();
      }
    }
  }

  public boolean isGone() {
    return gone;
  }
}
