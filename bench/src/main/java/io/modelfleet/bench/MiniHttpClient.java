package io.modelfleet.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal blocking HTTP/1.1 client on one keep-alive socket: it writes a request already
 * serialised to bytes and reads exactly one response. No pooling, no redirects, no TLS, no
 * allocation on the way out: the JDK's HttpClient costs tens of microseconds per request, more than
 * the serving overhead this bench has to resolve. One instance per thread.
 */
public final class MiniHttpClient implements AutoCloseable {

  private final String host;
  private final int port;
  private final int timeoutMs;
  private Socket socket;
  private OutputStream out;
  private HttpResponseReader reader;

  public MiniHttpClient(String host, int port, int timeoutMs) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Sends one request and reads its response; returns the status. Reconnects first if the last
   * exchange failed or the server closed the connection. After an I/O failure the connection is
   * dropped, since its framing can no longer be trusted.
   */
  public int exchange(byte[] request) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      out.write(request);
      int status = reader.read();
      if (!reader.keepAlive()) {
        disconnect();
      }
      return status;
    } catch (IOException e) {
      disconnect();
      throw e;
    }
  }

  /** The last response: headers and body until the next exchange. */
  public HttpResponseReader response() {
    return reader;
  }

  /** {@code status: first 300 characters of the body}, for error messages. */
  public String describe(int status) {
    String body = reader == null ? "" : reader.bodyText();
    return status + ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setKeepAlive(true);
    s.setSoTimeout(timeoutMs);
    s.connect(new InetSocketAddress(host, port), timeoutMs);
    socket = s;
    // Unbuffered: every request is one byte[] and goes out in one write.
    out = s.getOutputStream();
    reader = new HttpResponseReader(s.getInputStream());
  }

  private void disconnect() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a socket we are giving up on: nothing useful to do with a failure.
      }
      socket = null;
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  /**
   * As {@link #request}, presenting the bench's administrator key ({@link BenchKey}): what every
   * request past the health probes needs from a node with security on. Built once, like any request
   * here, so the key costs nothing per request.
   */
  public static byte[] authorized(
      String method,
      String path,
      String host,
      int port,
      String contentType,
      byte[] body,
      String... extraHeaders) {
    String[] headers = Arrays.copyOf(extraHeaders, extraHeaders.length + 2);
    headers[extraHeaders.length] = BenchKey.HEADER;
    headers[extraHeaders.length + 1] = BenchKey.bearer();
    return request(method, path, host, port, contentType, body, headers);
  }

  /**
   * A complete HTTP/1.1 request with Host and Content-Length; extra headers as name, value pairs.
   */
  public static byte[] request(
      String method,
      String path,
      String host,
      int port,
      String contentType,
      byte[] body,
      String... extraHeaders) {
    StringBuilder h =
        new StringBuilder(256)
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(host)
            .append(':')
            .append(port)
            .append("\r\n");
    if (contentType != null) {
      h.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null || !method.equals("GET")) {
      h.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
    }
    for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
      h.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null || body.length == 0) {
      return head;
    }
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }
}
