package io.modelfleet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.security.KeySecrets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench's key is one a node accepts, and its pre-built requests carry it. */
class BenchKeyTest {

  @Test
  void theDefaultKeyIsWellFormed() {
    assertTrue(KeySecrets.wellFormed(BenchKey.DEFAULT));
  }

  @Test
  void aMalformedKeyIsRefusedWithoutRepeatingIt() {
    String before = System.getProperty(BenchKey.PROPERTY);
    System.setProperty(BenchKey.PROPERTY, "mfk_secret-but-short");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, BenchKey::secret);
      assertFalse(e.getMessage().contains("secret-but-short"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(BenchKey.PROPERTY);
      } else {
        System.setProperty(BenchKey.PROPERTY, before);
      }
    }
  }

  @Test
  void authorizedRequestsCarryTheKeyAfterTheirOwnHeaders() {
    byte[] req =
        MiniHttpClient.authorized(
            "POST",
            "/v2/models/m/infer",
            "127.0.0.1",
            8000,
            "application/json",
            "{}".getBytes(StandardCharsets.US_ASCII),
            "X-Request-Id",
            "r1");

    assertEquals(
        "POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2\r\n"
            + "X-Request-Id: r1\r\nAuthorization: Bearer "
            + BenchKey.DEFAULT
            + "\r\n\r\n{}",
        new String(req, StandardCharsets.US_ASCII));
  }
}
