package io.modelfleet.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AlertSettingsTest {

  @Test
  void theReferenceDefaultsRead() {
    AlertSettings s = TestAlertSettings.of("");
    assertTrue(s.enabled());
    assertEquals(Duration.ofSeconds(5), s.interval());
    assertEquals(Duration.ofSeconds(1), s.latencyObjective("any"));
    assertEquals(Duration.ofMinutes(2), s.latency().forDuration());
    assertEquals("critical", s.errors().severity());
    assertEquals(0.05, s.errorRatio("any"));
    assertEquals(Duration.ofMinutes(5), s.replicas().forDuration());
    assertEquals(0.25, s.driftThreshold("any"));
    assertEquals(10, s.drift().bins());
    assertTrue(s.notifications().webhooks().isEmpty());
    assertTrue(s.samplesDrift("any"));
  }

  @Test
  void aModelsOwnThresholdsWin() {
    AlertSettings s =
        TestAlertSettings.of(
            "models { fraud { latency-objective = 50ms, error-ratio = 0.01, drift-threshold = 0.1,"
                + " drift = off } }, drift.models = [a]");
    assertEquals(Duration.ofMillis(50), s.latencyObjective("fraud"));
    assertEquals(0.01, s.errorRatio("fraud"));
    assertEquals(0.1, s.driftThreshold("fraud"));
    assertFalse(s.samplesDrift("fraud"));
    assertTrue(s.samplesDrift("a"));
    assertFalse(s.samplesDrift("b"), "drift.models names the sampled models");
    assertEquals(Duration.ofSeconds(1), s.latencyObjective("other"));
  }

  @Test
  void nothingIsSampledWhenAlertsOrDriftAreOff() {
    assertFalse(TestAlertSettings.of("enabled = off").samplesDrift("m"));
    assertFalse(TestAlertSettings.of("drift.enabled = off").samplesDrift("m"));
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> TestAlertSettings.of("queue.ratio = 2"));
    assertTrue(e.getMessage().contains("queue.ratio"), e.getMessage());
    var w =
        assertThrows(
            IllegalArgumentException.class, () -> TestAlertSettings.of("webhooks = [\"ftp://x\"]"));
    assertTrue(w.getMessage().contains("webhooks"), w.getMessage());
  }
}
