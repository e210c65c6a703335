package io.modelfleet.node.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Many raw non-blocking connections driven from one thread: ask, read answers, see which are
 * closed.
 */
public final class RawConnections {
  private RawConnections() {}

  /**
   * One GET /v2/health/live on each connection, answered 200; returns when the last answer came.
   */
  public static long askEach(List<SocketChannel> channels) throws IOException {
    byte[] live =
        "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (SocketChannel c : channels) {
      c.write(ByteBuffer.wrap(live));
    }
    readOneResponseEach(channels, Duration.ofSeconds(30));
    return System.nanoTime();
  }

  /** Reads each channel until one whole response (head plus Content-Length body) has arrived. */
  static void readOneResponseEach(List<SocketChannel> channels, Duration within)
      throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    ByteArrayOutputStream[] got = new ByteArrayOutputStream[channels.size()];
    boolean[] done = new boolean[channels.size()];
    int remaining = channels.size();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (remaining > 0) {
      assertTrue(System.nanoTime() < deadline, remaining + " connections got no response");
      for (int i = 0; i < channels.size(); i++) {
        if (done[i]) {
          continue;
        }
        buf.clear();
        int n = channels.get(i).read(buf);
        if (n < 0) {
          throw new AssertionError("connection " + i + " closed before its response");
        }
        if (got[i] == null) {
          got[i] = new ByteArrayOutputStream();
        }
        got[i].write(buf.array(), 0, n);
        if (RawResponse.complete(got[i].toByteArray())) {
          assertEquals(200, RawResponse.parse(got[i].toByteArray()).status());
          done[i] = true;
          remaining--;
        }
      }
    }
  }

  static boolean isClosed(SocketChannel c) {
    try {
      ByteBuffer b = ByteBuffer.allocate(1024);
      int n;
      while ((n = c.read(b)) > 0) {
        b.clear();
      }
      return n < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  public static int countOpen(List<SocketChannel> channels) {
    int open = 0;
    for (SocketChannel c : channels) {
      if (!isClosed(c)) {
        open++;
      }
    }
    return open;
  }

  public static void awaitAllClosed(
      List<SocketChannel> channels, long sinceNanos, Duration within, String what)
      throws InterruptedException {
    long deadline = sinceNanos + within.toNanos();
    int open;
    while ((open = countOpen(channels)) > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            open
                + " of "
                + channels.size()
                + " "
                + what
                + " connections still open after "
                + within.toMillis()
                + " ms");
      }
      Thread.sleep(200);
    }
  }
}
