package io.modelfleet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * The floor under every served number: a server inside the bench that answers every request on a
 * keep-alive connection with the same canned 200, doing nothing else. Measured with the same client
 * as the node, it gives what loopback TCP and the load generator cost by themselves, so the node's
 * ceiling ({@code /v2/health/live}) can be split into "client and kernel" and "HTTP server". Thread
 * per connection; it only has to be simple and fast, not scalable.
 *
 * <p>{@link TrivialServer} runs it as a process of its own ({@link #main}), so that its CPU time
 * per request can be read the way the node's is.
 */
public final class LoopbackServer implements AutoCloseable {

  private static final byte[] RESPONSE =
      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + "Content-Length: 2\r\n\r\n{}")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;

  public LoopbackServer() throws IOException {
    server = new ServerSocket(0, 128, InetAddress.getByName(ServedNode.HOST));
    Thread acceptor = new Thread(this::accept, "loopback-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Serves on a free port of 127.0.0.1, prints the port on the first line of stdout, and stops when
   * stdin closes (its parent went away or closed it).
   */
  public static void main(String[] args) throws IOException {
    try (LoopbackServer s = new LoopbackServer()) {
      System.out.println(s.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Nothing is expected on stdin; end of stream is the signal to stop.
      }
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> serve(s), "loopback-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * Answers each request once its head (up to the blank line) is in; requests here have no body.
   */
  private static void serve(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[8192];
      int matched = 0; // how much of CRLF CRLF has been seen
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          matched =
              (b == '\r' && (matched == 0 || matched == 2))
                      || (b == '\n' && (matched == 1 || matched == 3))
                  ? matched + 1
                  : b == '\r' ? 1 : 0;
          if (matched == 4) {
            out.write(RESPONSE);
            matched = 0;
          }
        }
      }
    } catch (SocketException e) {
      // The client hung up.
    } catch (IOException e) {
      System.err.println("loopback server: " + e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
