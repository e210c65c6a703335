package io.modelfleet.node.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.security.KeySecrets;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tests' key must be one a node accepts as its bootstrap key, and reach every request. */
class TestKeysTest {

  @Test
  void theAdministratorKeyIsWellFormed() {
    assertTrue(KeySecrets.wellFormed(TestKeys.ADMIN));
    assertEquals("Authorization: Bearer " + TestKeys.ADMIN + "\r\n", TestKeys.HEADER_LINE);
  }

  @Test
  void authorizeAddsTheBearerHeaderOnceAndKeepsOtherCredentials() {
    assertEquals(
        List.of("Bearer " + TestKeys.ADMIN),
        TestKeys.authorize(TestKeys.authorize(HttpRequest.newBuilder(URI.create("http://h/"))))
            .build()
            .headers()
            .allValues("Authorization"));

    HttpRequest bare = HttpRequest.newBuilder(URI.create("http://h/")).GET().build();
    assertEquals(
        List.of("Bearer " + TestKeys.ADMIN),
        TestKeys.authorize(bare).headers().allValues("Authorization"));
    HttpRequest other =
        HttpRequest.newBuilder(URI.create("http://h/")).header("Authorization", "Bearer o").build();
    assertEquals(
        List.of("Bearer o"), TestKeys.authorize(other).headers().allValues("Authorization"));
  }

  @Test
  void nodesStartWithTheKeyUnlessTold() {
    assertEquals(
        TestKeys.ADMIN, TestNodes.config(Path.of("/tmp/x"), Map.of()).getString(TestKeys.SETTING));
    assertEquals(
        "",
        TestNodes.config(Path.of("/tmp/x"), Map.of(TestKeys.SETTING, ""))
            .getString(TestKeys.SETTING));
  }
}
