package io.modelfleet.ops.alerts;

import com.typesafe.config.ConfigFactory;

/** Alert settings for tests: the reference defaults under {@code overrides} (HOCON). */
final class TestAlertSettings {
  private TestAlertSettings() {}

  static AlertSettings of(String overrides) {
    return AlertSettings.fromConfig(
        ConfigFactory.parseString(overrides)
            .atPath("modelfleet.ops.alerts")
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }
}
