package io.modelfleet.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {

  @Test
  void theDefaultsComeFromReferenceConf() {
    TransportSettings t = TransportSettings.fromConfig(ConfigFactory.load());
    assertEquals(8192, t.maxConnections());
    assertEquals(Duration.ofSeconds(10), t.headerTimeout());
    assertEquals(Duration.ofSeconds(75), t.idleTimeout());
    assertEquals(1024, t.minBodyRate());
    assertEquals(Duration.ofSeconds(10), t.bodyRateGrace());
    assertEquals(Duration.ofSeconds(180), t.stallTimeout());
    assertEquals(1024, t.compressMinSize());
    assertEquals(Duration.ofSeconds(3), t.terminationDeadline());
  }

  @Test
  void aStallTimeoutThatWouldCutALoadIsRefusedNamingBothKeys() {
    TransportSettings t =
        TransportSettings.fromConfig(
            ConfigFactory.parseString("modelfleet.gateway.stall-timeout = 60s")
                .withFallback(ConfigFactory.load()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> t.requireStallAbove("load-timeout", Duration.ofSeconds(120)));
    assertTrue(
        e.getMessage().contains("stall-timeout") && e.getMessage().contains("load-timeout"),
        e.getMessage());
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TransportSettings.fromConfig(
                ConfigFactory.parseString("modelfleet.gateway.max-connections = 0")
                    .withFallback(ConfigFactory.load())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TransportSettings.fromConfig(
                ConfigFactory.parseString("modelfleet.gateway.header-timeout = 0s")
                    .withFallback(ConfigFactory.load())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TransportSettings.fromConfig(
                ConfigFactory.parseString("modelfleet.gateway.termination-deadline = -1s")
                    .withFallback(ConfigFactory.load())));
  }
}
