package io.modelfleet.gateway.connection;

/**
 * Time spent waiting on the client: it runs only between asking the network for bytes (because the
 * server is ready for them) and getting some. Time the server spends not reading (busy with an
 * earlier request, a body nobody has started to read) is not the client's and is not counted. Pure:
 * the caller passes the time in nanoseconds.
 */
final class WaitClock {
  private long waited;
  private long since = -1;

  void start(long now) {
    if (since < 0) {
      since = now;
    }
  }

  void stop(long now) {
    if (since >= 0) {
      waited += now - since;
      since = -1;
    }
  }

  void reset(long now) {
    waited = 0;
    since = since >= 0 ? now : -1;
  }

  boolean running() {
    return since >= 0;
  }

  long waited(long now) {
    return waited + (since >= 0 ? now - since : 0);
  }
}
