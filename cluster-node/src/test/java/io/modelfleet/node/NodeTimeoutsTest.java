package io.modelfleet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeTimeoutsTest {

  @Test
  void defaultsAreTheWaitsTheNodeAlwaysHad() {
    NodeTimeouts t = NodeTimeouts.fromConfig(ConfigFactory.load());
    assertEquals(Duration.ofSeconds(30), t.bindTimeout());
    assertEquals(Duration.ofSeconds(60), t.demoUploadTimeout());
    assertEquals(Duration.ofSeconds(60), t.stopTimeout());
  }

  @Test
  void aZeroTimeoutIsRefusedNamingItsKey() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NodeTimeouts.fromConfig(
                    ConfigFactory.parseString("modelfleet.node.stop-timeout = 0s")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("modelfleet.node.stop-timeout"), e.getMessage());
  }
}
