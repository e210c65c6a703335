package io.modelfleet.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/1.1 responses, one after another, from one connection: status line, headers, then
 * exactly the body (Content-Length, chunked, or up to the end of the stream) and not a byte more,
 * so the next response on a keep-alive connection starts where this one ended. The body lands in a
 * buffer reused from response to response; it is valid until the next {@link #read}.
 */
public final class HttpResponseReader {

  private static final int MAX_HEADER_LINE = 64 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;

  private int status;
  private final List<String[]> headers = new ArrayList<>();
  private byte[] body = new byte[64 * 1024];
  private int bodyLength;
  private boolean keepAlive;

  public HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /** Reads the next response (skipping any 1xx) and returns its status code. */
  public int read() throws IOException {
    do {
      readHead();
    } while (status >= 100 && status < 200);
    bodyLength = 0;
    String transferEncoding = header("transfer-encoding");
    String contentLength = header("content-length");
    if (transferEncoding != null && transferEncoding.toLowerCase().contains("chunked")) {
      readChunked();
    } else if (contentLength != null) {
      readExactly(Long.parseLong(contentLength.trim()));
    } else if (status == 204 || status == 304) {
      // No body by definition.
    } else {
      readToEnd();
      keepAlive = false;
    }
    return status;
  }

  public int status() {
    return status;
  }

  /** The first header of that name (case-insensitive), or null. */
  public String header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return h[1];
      }
    }
    return null;
  }

  public byte[] body() {
    return body;
  }

  public int bodyLength() {
    return bodyLength;
  }

  public String bodyText() {
    return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
  }

  /** A copy of the body, for answers kept beyond the next read. */
  public byte[] bodyBytes() {
    return Arrays.copyOf(body, bodyLength);
  }

  /** False when the server said Connection: close (or ended the body by closing). */
  public boolean keepAlive() {
    return keepAlive;
  }

  private void readHead() throws IOException {
    String statusLine = readLine();
    while (statusLine.isEmpty()) {
      statusLine = readLine(); // tolerate a stray CRLF between responses
    }
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
    }
    int sp = statusLine.indexOf(' ');
    int sp2 = statusLine.indexOf(' ', sp + 1);
    try {
      status = Integer.parseInt(statusLine.substring(sp + 1, sp2 < 0 ? statusLine.length() : sp2));
    } catch (RuntimeException e) {
      throw new IOException("bad status line '" + statusLine + "'");
    }
    keepAlive = !statusLine.startsWith("HTTP/1.0");
    headers.clear();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line '" + line + "'");
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      headers.add(new String[] {name, value});
      if (name.equalsIgnoreCase("connection")) {
        keepAlive =
            !value.equalsIgnoreCase("close") && (keepAlive || value.equalsIgnoreCase("keep-alive"));
      }
    }
  }

  private void readChunked() throws IOException {
    while (true) {
      String sizeLine = readLine();
      int semi = sizeLine.indexOf(';');
      long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        // Trailers, up to the empty line.
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
          // ignored
        }
        return;
      }
      readExactly(size);
      if (!readLine().isEmpty()) {
        throw new IOException("chunk of " + size + " bytes not followed by CRLF");
      }
    }
  }

  /** Appends exactly n bytes to the body. */
  private void readExactly(long n) throws IOException {
    if (n < 0 || bodyLength + n > Integer.MAX_VALUE - 8) {
      throw new IOException("unsupported body length " + n);
    }
    ensureBody(bodyLength + (int) n);
    int want = (int) n;
    int buffered = Math.min(want, limit - pos);
    System.arraycopy(buf, pos, body, bodyLength, buffered);
    pos += buffered;
    bodyLength += buffered;
    want -= buffered;
    while (want > 0) {
      int r = in.read(body, bodyLength, want);
      if (r < 0) {
        throw new EOFException("connection closed with " + want + " body bytes still to come");
      }
      bodyLength += r;
      want -= r;
    }
  }

  private void readToEnd() throws IOException {
    while (true) {
      if (pos == limit && !fill()) {
        return;
      }
      int n = limit - pos;
      ensureBody(bodyLength + n);
      System.arraycopy(buf, pos, body, bodyLength, n);
      bodyLength += n;
      pos = limit;
    }
  }

  private void ensureBody(int capacity) {
    if (capacity > body.length) {
      body = Arrays.copyOf(body, Math.max(capacity, body.length * 2));
    }
  }

  /** One line without its CRLF (or bare LF), as ISO-8859-1. */
  private String readLine() throws IOException {
    StringBuilder sb = null;
    while (true) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection closed before the end of a header line");
      }
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      boolean found = pos < limit;
      int end = pos;
      if (found) {
        pos++; // past the LF
      }
      String part = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
      if (sb == null && found) {
        return stripCr(part);
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(part);
      if (sb.length() > MAX_HEADER_LINE) {
        throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
      }
      if (found) {
        return stripCr(sb.toString());
      }
    }
  }

  private static String stripCr(String s) {
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private boolean fill() throws IOException {
    int r = in.read(buf, 0, buf.length);
    if (r <= 0) {
      return false;
    }
    pos = 0;
    limit = r;
    return true;
  }
}
