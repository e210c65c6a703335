package io.modelfleet.ops.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class JmxSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void byDefaultTheMBeansAreOnAndRemoteJmxIsOff() {
    JmxSettings s = JmxSettings.fromConfig(ConfigFactory.defaultReference());
    assertTrue(s.enabled());
    assertFalse(s.remote());
    assertEquals("admin", s.user());
    assertFalse(s.hasMonitor());
    assertFalse(s.tls());
    assertEquals("", s.host());
    assertEquals("10.0.0.5", s.withDefaultHost("10.0.0.5").host());
  }

  @Test
  void aPortWithoutAPasswordIsRefusedNamingBothSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JmxSettings.fromConfig(with("modelfleet.ops.jmx.port = 9010")));
    assertTrue(e.getMessage().contains("MODELFLEET_JMX_PASSWORD"), e.getMessage());
    assertTrue(e.getMessage().contains("MODELFLEET_JMX_PORT"), e.getMessage());
  }

  @Test
  void shortPasswordsBadPortsAndBadUserNamesAreRefused() {
    IllegalArgumentException shortOne =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JmxSettings.fromConfig(
                    with("modelfleet.ops.jmx { port = 9010, password = \"short\" }")));
    assertTrue(shortOne.getMessage().contains("at least 8"), shortOne.getMessage());
    assertFalse(shortOne.getMessage().contains("short\""), shortOne.getMessage());
    IllegalArgumentException port =
        assertThrows(
            IllegalArgumentException.class,
            () -> JmxSettings.fromConfig(with("modelfleet.ops.jmx.port = 70000")));
    assertTrue(port.getMessage().startsWith("modelfleet.ops.jmx.port"), port.getMessage());
    IllegalArgumentException user =
        assertThrows(
            IllegalArgumentException.class,
            () -> JmxSettings.fromConfig(with("modelfleet.ops.jmx.user = \"two words\"")));
    assertTrue(user.getMessage().contains("MODELFLEET_JMX_USER"), user.getMessage());
    IllegalArgumentException monitor =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JmxSettings.fromConfig(
                    with(
                        "modelfleet.ops.jmx { port = 9010, password = \"long-enough\","
                            + " monitor-user = admin, monitor-password = \"also-long\" }")));
    assertTrue(monitor.getMessage().contains("monitor-user"), monitor.getMessage());
  }

  @Test
  void theSettingsNeverShowAPassword() {
    JmxSettings s =
        JmxSettings.fromConfig(
            with(
                "modelfleet.ops.jmx { port = 9010, password = \"sekrit-pass\","
                    + " monitor-password = \"watch-only\" }"));
    assertTrue(s.remote());
    assertTrue(s.hasMonitor());
    assertFalse(s.toString().contains("sekrit-pass"), s.toString());
    assertFalse(s.toString().contains("watch-only"), s.toString());
    assertTrue(s.toString().contains("monitorUser=monitor"), s.toString());
  }
}
