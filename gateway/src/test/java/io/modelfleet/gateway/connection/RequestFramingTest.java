package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Feeds {@code bytes} in chunks of {@code size} and returns everything passed on. */
  private static byte[] feedInChunks(RequestFraming f, byte[] bytes, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < bytes.length; i += size) {
      int end = Math.min(bytes.length, i + size);
      out.writeBytes(f.feed(ByteString.fromArray(bytes, i, end - i)).toArray());
    }
    out.writeBytes(f.flush().toArray());
    return out.toByteArray();
  }

  @Test
  void aConnectionStartsInAHeadAndLeavesItAtTheEmptyLine() {
    RequestFraming f = new RequestFraming();
    assertTrue(f.inHead());
    f.feed(ByteString.fromArray(ascii("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n")));
    assertTrue(f.inHead());
    f.feed(ByteString.fromArray(ascii("\r\n")));
    assertFalse(f.inHead());
    assertEquals(RequestFraming.Phase.IDLE, f.phase());
    assertEquals(1, f.headsStarted());
  }

  @Test
  void aHeadSplitIntoSingleBytesIsFollowedAndPassedUnchanged() {
    byte[] req =
        ascii("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    RequestFraming f = new RequestFraming();
    byte[] out = feedInChunks(f, req, 1);
    assertArrayEquals(req, out);
    assertEquals(RequestFraming.Phase.IDLE, f.phase());
  }

  @Test
  void pipelinedRequestsWithBodiesEachStartAHead() {
    String one = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab\r\n";
    String two =
        "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n\r\n\r\n0\r\nT: v\r\n\r\n";
    String three = "GET /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\n";
    byte[] all = ascii(one + two + three);
    for (int size : new int[] {1, 3, 7, all.length}) {
      RequestFraming f = new RequestFraming();
      assertArrayEquals(all, feedInChunks(f, all, size), "chunk size " + size);
      assertEquals(4, f.headsStarted(), "chunk size " + size);
      assertTrue(f.inHead(), "the fourth head is incomplete");
    }
  }

  @Test
  void bodyBytesThatLookLikeHeadsOrBadUtf8AreNeverTouched() {
    byte[] body = {(byte) 0xE9, '\r', '\n', '\r', '\n', (byte) 0xFF, (byte) 0xC3};
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(
        ascii("PUT /v1/models/m/versions/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n"));
    req.writeBytes(body);
    RequestFraming f = new RequestFraming();
    assertArrayEquals(req.toByteArray(), feedInChunks(f, req.toByteArray(), 2));
    assertEquals(RequestFraming.Phase.IDLE, f.phase());
  }

  @Test
  void wellFormedUtf8InAHeaderPassesEvenWhenSplitAcrossChunks() {
    byte[] req =
        ("GET / HTTP/1.1\r\nX-Request-Id: café-€-😀\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    for (int size = 1; size < 6; size++) {
      assertArrayEquals(req, feedInChunks(new RequestFraming(), req, size), "chunk size " + size);
    }
  }

  @Test
  void aStrayLeadByteBecomesOxFFAndTheLineEndSurvives() {
    // Latin-1 é at the end of the last header: pekko-http would swallow the CR LF after it.
    byte[] req = ascii("GET / HTTP/1.1\r\nX-Request-Id: caf\u00e9\r\n\r\n");
    byte[] want = req.clone();
    want[req.length - 5] = (byte) 0xFF;
    for (int size : new int[] {1, 2, req.length}) {
      RequestFraming f = new RequestFraming();
      assertArrayEquals(want, feedInChunks(f, req, size), "chunk size " + size);
      assertEquals(RequestFraming.Phase.IDLE, f.phase());
    }
  }

  @Test
  void everyByteOfAMalformedSequenceIsReplaced() {
    // overlong C0 80, a lone continuation 80, a truncated E2 82, a surrogate ED A0 80, F5
    byte[] value = {
      (byte) 0xC0,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0xE2,
      (byte) 0x82,
      'a',
      (byte) 0xED,
      (byte) 0xA0,
      (byte) 0x80,
      (byte) 0xF5
    };
    byte[] want = {-1, -1, -1, -1, -1, 'a', -1, -1, -1, -1};
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(ascii("GET / HTTP/1.1\r\nX: "));
    req.writeBytes(value);
    req.writeBytes(ascii("\r\n\r\n"));
    byte[] out = feedInChunks(new RequestFraming(), req.toByteArray(), 1);
    byte[] got = Arrays.copyOfRange(out, 19, 19 + value.length);
    assertArrayEquals(want, got);
  }

  @Test
  void unknowableFramingGivesUpAndPassesEverything() {
    byte[] req =
        ascii("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc\u00e9\r\n\r\n");
    RequestFraming f = new RequestFraming();
    byte[] out = feedInChunks(f, req, 5);
    assertArrayEquals(req, out);
    assertEquals(RequestFraming.Phase.UNKNOWN, f.phase());
    assertFalse(f.inHead());
  }

  @Test
  void emptyLinesBetweenRequestsDoNotStartAHead() {
    RequestFraming f = new RequestFraming();
    f.feed(ByteString.fromArray(ascii("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx\r\n")));
    assertEquals(RequestFraming.Phase.IDLE, f.phase());
    assertEquals(1, f.headsStarted());
    f.feed(ByteString.fromArray(ascii("G")));
    assertEquals(2, f.headsStarted());
    assertTrue(f.inHead());
  }
}
