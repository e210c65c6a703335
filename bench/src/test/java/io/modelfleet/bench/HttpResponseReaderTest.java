package io.modelfleet.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

  @Test
  void readsBackToBackResponsesOnOneConnectionWithoutOverreading() throws IOException {
    HttpResponseReader r =
        reader(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nInference-Header-Content-Length: 3\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}");

    assertEquals(200, r.read());
    assertEquals("hello", r.bodyText());
    assertEquals("3", r.header("inference-header-content-length"));
    assertTrue(r.keepAlive());

    assertEquals(404, r.read());
    assertEquals("{}", r.bodyText());
    assertNull(r.header("Inference-Header-Content-Length"));
  }

  @Test
  void readsChunkedBodiesAndTrailers() throws IOException {
    HttpResponseReader r =
        reader(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n");

    assertEquals(200, r.read());
    assertEquals("Wikipedia", r.bodyText());
    assertEquals(204, r.read());
    assertEquals(0, r.bodyLength());
  }

  @Test
  void skipsInterimResponsesAndHonoursConnectionClose() throws IOException {
    HttpResponseReader r =
        reader(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy");

    assertEquals(503, r.read());
    assertEquals("busy", r.bodyText());
    assertFalse(r.keepAlive());
  }

  @Test
  void readsBinaryBodiesLargerThanItsBufferThatArriveInPieces() throws IOException {
    byte[] body = new byte[300_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(
        ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    wire.writeBytes(body);
    HttpResponseReader r = new HttpResponseReader(trickle(wire.toByteArray(), 7_777));

    assertEquals(200, r.read());
    assertArrayEquals(body, r.bodyBytes());
  }

  @Test
  void aBodyCutShortIsAnErrorNotASilentlyShortAnswer() {
    HttpResponseReader r = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");

    assertThrows(EOFException.class, r::read);
  }

  @Test
  void buildsRequestsWithHostLengthAndExtraHeaders() {
    byte[] req =
        MiniHttpClient.request(
            "POST",
            "/v2/models/m/infer",
            "127.0.0.1",
            8000,
            "application/octet-stream",
            "abc".getBytes(StandardCharsets.US_ASCII),
            "Inference-Header-Content-Length",
            "2");

    assertEquals(
        "POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: 3\r\n"
            + "Inference-Header-Content-Length: 2\r\n\r\nabc",
        new String(req, StandardCharsets.US_ASCII));
  }

  private static HttpResponseReader reader(String wire) {
    return new HttpResponseReader(
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** A stream that hands out at most {@code step} bytes per read, as a socket does. */
  private static InputStream trickle(byte[] data, int step) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }
}
