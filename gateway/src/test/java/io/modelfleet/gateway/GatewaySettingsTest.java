package io.modelfleet.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  @Test
  void referenceConfHasTheDocumentedDefaults() {
    GatewaySettings s = GatewaySettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(new GatewaySettings("0.0.0.0", 8000, Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofSeconds(50), 64L * 1024 * 1024, true), s);
    assertEquals(64L * 1024 * 1024, ConfigFactory.defaultReference().getBytes("pekko.http.server.parsing.max-content-length"));
  }

  @Test
  void overridesApplyAndBadValuesNameTheKey() {
    GatewaySettings s = GatewaySettings.fromConfig(ConfigFactory.parseString(
        "modelfleet.gateway { port = 0, infer-timeout = 250ms, max-json-body = 1k }")
        .withFallback(ConfigFactory.defaultReference()));
    assertEquals(0, s.port());
    assertEquals(Duration.ofMillis(250), s.inferTimeout());
    assertEquals(1024, s.maxJsonBody());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatewaySettings.fromConfig(
        ConfigFactory.parseString("modelfleet.gateway.ask-timeout = 0s").withFallback(ConfigFactory.defaultReference())));
    assertEquals("modelfleet.gateway.ask-timeout must be a positive duration, got PT0S", e.getMessage());
  }
}
