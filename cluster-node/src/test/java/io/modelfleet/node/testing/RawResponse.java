package io.modelfleet.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** An HTTP/1.1 response read off a raw socket, its head kept as the bytes that were sent. */
public record RawResponse(int status, byte[] head, byte[] body) {

  /** Sends {@code request} on a new connection and reads one response (10 s at most). */
  public static RawResponse exchange(InetSocketAddress address, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request);
      try {
        return read(s.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no response within 10 s", e);
      }
    }
  }

  /** Reads one response with a Content-Length body (or none). */
  public static RawResponse read(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!complete(got.toByteArray())) {
      int n = in.read(buf);
      if (n < 0) {
        throw new AssertionError("connection closed after " + got.size() + " bytes: " + got);
      }
      got.write(buf, 0, n);
    }
    return parse(got.toByteArray());
  }

  static int headEnd(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /** Whether {@code b} holds a whole response: its head and Content-Length bytes of body. */
  public static boolean complete(byte[] b) {
    int end = headEnd(b);
    if (end < 0) {
      return false;
    }
    String head = new String(b, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    int i = head.indexOf("content-length:");
    int length = i < 0 ? 0 : Integer.parseInt(head.substring(i + 15, head.indexOf('\r', i)).trim());
    return b.length >= end + length;
  }

  public static RawResponse parse(byte[] b) {
    int end = headEnd(b);
    byte[] head = Arrays.copyOfRange(b, 0, end);
    int status = Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
    return new RawResponse(status, head, Arrays.copyOfRange(b, end, b.length));
  }

  /** The raw bytes of a header's value, or null. */
  public byte[] headerBytes(String name) {
    String h = new String(head, StandardCharsets.ISO_8859_1);
    int i = h.toLowerCase(Locale.ROOT).indexOf("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
    if (i < 0) {
      return null;
    }
    int start = i + name.length() + 3;
    int stop = h.indexOf("\r\n", start);
    return h.substring(start, stop).trim().getBytes(StandardCharsets.ISO_8859_1);
  }

  public String header(String name) {
    byte[] v = headerBytes(name);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  public String text() {
    return new String(head, StandardCharsets.ISO_8859_1) + new String(body, StandardCharsets.UTF_8);
  }

  public JsonNode json() throws IOException {
    return Http.JSON.readTree(body);
  }
}
