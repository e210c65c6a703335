package io.modelfleet.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.connection.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

class GatewaySettingsTest {

  @Test
  void referenceConfHasTheDocumentedDefaults() {
    GatewaySettings s = GatewaySettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(
        new GatewaySettings(
            "0.0.0.0",
            8000,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(50),
            64L * 1024 * 1024,
            true,
            Duration.ofSeconds(5),
            Duration.ofMillis(75),
            Duration.ofSeconds(2),
            Duration.ofSeconds(60)),
        s);
    assertEquals(Duration.ofSeconds(97), s.inferRequestTimeout());
    assertEquals(Duration.ofSeconds(57), s.loadRequestTimeout());
  }

  @Test
  void theGatewaysReferenceConfLeavesPekkosKeysAlone() throws Exception {
    Path classes =
        Path.of(GatewaySettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Config own = ConfigFactory.parseFile(classes.resolve("reference.conf").toFile());
    assertTrue(own.hasPath("modelfleet.gateway"));
    assertFalse(
        own.hasPath("pekko"), "a library must not override another library's reference.conf");
  }

  @Test
  void theServerIsBoundWithTheGatewaysOwnLimits() {
    Config config =
        ConfigFactory.parseString(
                "modelfleet.gateway { max-json-body = 1 MiB, max-connections = 77,"
                    + " stall-timeout = 40s }")
            .withFallback(ConfigFactory.load());
    ServerSettings server =
        GatewayServer.serverSettings(
            config, GatewaySettings.fromConfig(config), TransportSettings.fromConfig(config));
    assertEquals(1024 * 1024, server.getParserSettings().getMaxContentLength());
    assertEquals(77, server.getMaxConnections());
    assertEquals(FiniteDuration.create(40, TimeUnit.SECONDS), server.getTimeouts().idleTimeout());
    assertEquals(JsonParsingErrorHandler.class.getName(), server.getParsingErrorHandler());
    Config ownHandler =
        ConfigFactory.parseString("pekko.http.server.parsing.error-handler = \"my.Handler\"")
            .withFallback(config);
    assertEquals(
        "my.Handler",
        GatewayServer.serverSettings(
                ownHandler,
                GatewaySettings.fromConfig(ownHandler),
                TransportSettings.fromConfig(ownHandler))
            .getParsingErrorHandler());
  }

  @Test
  void overridesApplyAndBadValuesNameTheKey() {
    GatewaySettings s =
        GatewaySettings.fromConfig(
            ConfigFactory.parseString(
                    "modelfleet.gateway { port = 0, infer-timeout = 250ms, max-json-body = 1k }")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(0, s.port());
    assertEquals(Duration.ofMillis(250), s.inferTimeout());
    assertEquals(1024, s.maxJsonBody());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GatewaySettings.fromConfig(
                    ConfigFactory.parseString("modelfleet.gateway.ask-timeout = 0s")
                        .withFallback(ConfigFactory.defaultReference())));
    assertEquals(
        "modelfleet.gateway.ask-timeout must be a positive duration, got PT0S", e.getMessage());
  }
}
