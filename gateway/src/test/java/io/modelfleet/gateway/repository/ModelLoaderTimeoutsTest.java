package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.connection.TransportSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A repository load waits silently; the connection's stall timeout must outlast its whole deadline.
 */
class ModelLoaderTimeoutsTest {

  @Test
  void theDefaultsLetALoadAnswerBeforeTheStallTimeoutCutsIt() {
    var root = ConfigFactory.load();
    GatewaySettings s = GatewaySettings.fromConfig(root);
    TransportSettings t = TransportSettings.fromConfig(root);
    Duration wait = s.loadRequestTimeout();
    assertDoesNotThrow(() -> t.requireStallAbove("load-timeout", wait));
    assertTrue(wait.compareTo(t.stallTimeout()) < 0);
  }

  @Test
  void aLoadTimeoutTheStallTimeoutWouldCutIsRefusedNamingBothSettings() {
    var root =
        ConfigFactory.parseString(
                "modelfleet.gateway { stall-timeout = 120s, load-timeout = 120s }")
            .withFallback(ConfigFactory.load());
    GatewaySettings s = GatewaySettings.fromConfig(root);
    assertEquals(Duration.ofSeconds(127), s.loadRequestTimeout());
    TransportSettings t = TransportSettings.fromConfig(root);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> t.requireStallAbove("load-timeout", s.loadRequestTimeout()));
    assertTrue(
        e.getMessage().startsWith("modelfleet.gateway.stall-timeout (120 s)"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("127 s a request may wait silently under modelfleet.gateway.load-timeout"),
        e.getMessage());
  }
}
