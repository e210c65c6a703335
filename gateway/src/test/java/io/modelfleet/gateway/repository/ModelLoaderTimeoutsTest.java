package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.GatewaySettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelLoaderTimeoutsTest {

  @Test
  void theDefaultsLetALoadAnswerBeforeTheIdleTimeoutCutsIt() {
    var root = ConfigFactory.load();
    GatewaySettings s = GatewaySettings.fromConfig(root);
    Duration idle = root.getDuration("pekko.http.server.idle-timeout");
    assertDoesNotThrow(() -> ModelLoader.requireIdleTimeoutAbove(s.loadTimeout(), s.askTimeout(), idle));
    assertTrue(ModelLoader.requestTimeout(s.loadTimeout(), s.askTimeout()).compareTo(idle) < 0);
  }

  @Test
  void aLoadTimeoutTheIdleTimeoutWouldCutIsRefusedNamingBothSettings() {
    var e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.requireIdleTimeoutAbove(
        Duration.ofSeconds(120), Duration.ofSeconds(5), Duration.ofSeconds(60)));
    assertTrue(e.getMessage().startsWith("modelfleet.gateway.load-timeout (120 s)"), e.getMessage());
    assertTrue(e.getMessage().contains("pekko.http.server.idle-timeout (60 s)"), e.getMessage());
    assertEquals(Duration.ofSeconds(127), ModelLoader.requestTimeout(Duration.ofSeconds(120), Duration.ofSeconds(5)));
    assertDoesNotThrow(() -> ModelLoader.requireIdleTimeoutAbove(Duration.ofSeconds(120), Duration.ofSeconds(5), null));
  }
}
