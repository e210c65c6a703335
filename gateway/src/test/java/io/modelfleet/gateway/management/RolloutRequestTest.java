package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollout request: defaults, both step forms, blue-green's steps, and a 400 per bad field. */
class RolloutRequestTest {

  private static RolloutSpec parse(String json) throws Exception {
    return RolloutRequest.parse(Json.MAPPER.readTree(json), RolloutDefaults.DEFAULTS);
  }

  private static String refused(String json) {
    ApiException e = assertThrows(ApiException.class, () -> parse(json));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void defaultsAreACanaryOfStableInFourStepsWithAnErrorRatioLimit() throws Exception {
    RolloutSpec s = parse("{\"version\": 2}");
    assertEquals("2", s.version());
    assertEquals("stable", s.alias());
    assertEquals(RolloutStrategy.CANARY, s.strategy());
    assertEquals(
        List.of(
            new RolloutStep(5, 30_000),
            new RolloutStep(25, 30_000),
            new RolloutStep(50, 30_000),
            new RolloutStep(100, 30_000)),
        s.steps());
    assertEquals(0, s.replicas());
    assertEquals(1000, s.analysis().intervalMillis());
    assertEquals(50, s.analysis().minRequests());
    assertEquals(0.01, s.analysis().maxErrorRatio());
    assertNull(s.analysis().maxP99Ms());
    assertEquals(300_000, s.analysis().readyTimeoutMillis());
  }

  @Test
  void stepsAreBarePercentagesOrObjectsWithTheirOwnDuration() throws Exception {
    RolloutSpec s =
        parse(
            "{\"version\":\"2\",\"steps\":[10,{\"percent\":50,\"duration\":\"1.5s\"},100],"
                + "\"step_duration\":\"3s\",\"replicas\":2,\"shadow_percent\":100,"
                + "\"analysis\":{\"interval\":\"500ms\",\"min_requests\":20,\"max_p99_ratio\":3,"
                + "\"max_drift_abs\":0.01,\"ready_timeout\":\"2m\"}}");
    assertEquals(
        List.of(new RolloutStep(10, 3000), new RolloutStep(50, 1500), new RolloutStep(100, 3000)),
        s.steps());
    assertEquals(2, s.replicas());
    assertEquals(100, s.shadowPercent());
    assertEquals(3.0, s.analysis().maxP99Ratio());
    assertEquals(0.01, s.analysis().maxDriftAbs());
    assertEquals(120_000, s.analysis().readyTimeoutMillis());
  }

  @Test
  void blueGreenSwitchesAtOnceAfterAnOptionalShadowPreview() throws Exception {
    assertEquals(
        List.of(new RolloutStep(100, 5000)),
        parse("{\"version\":\"2\",\"strategy\":\"blue-green\",\"step_duration\":\"5s\"}").steps());
    assertEquals(
        List.of(new RolloutStep(0, 5000), new RolloutStep(100, 5000)),
        parse(
                "{\"version\":\"2\",\"strategy\":\"blue-green\",\"step_duration\":\"5s\","
                    + "\"shadow_percent\":50}")
            .steps());
    assertTrue(
        refused("{\"version\":\"2\",\"strategy\":\"blue-green\",\"steps\":[100]}")
            .contains("'steps' is for the canary strategy"));
  }

  @Test
  void eachBadFieldIsNamed() {
    assertTrue(refused("{}").contains("'version' is required"));
    assertTrue(refused("{\"version\":\"2\",\"stpes\":[1]}").contains("unknown field 'stpes'"));
    assertTrue(refused("{\"version\":\"2\",\"strategy\":\"linear\"}").contains("'strategy'"));
    assertTrue(
        refused("{\"version\":\"2\",\"steps\":[50,25]}").contains("'steps[1]' must be above"));
    assertTrue(refused("{\"version\":\"2\",\"steps\":[0]}").contains("'steps[0]'"));
    assertTrue(refused("{\"version\":\"2\",\"steps\":[101]}").contains("'steps[0]'"));
    assertTrue(refused("{\"version\":\"2\",\"steps\":[]}").contains("'steps'"));
    assertTrue(
        refused("{\"version\":\"2\",\"step_duration\":\"soon\"}").contains("'step_duration'"));
    assertTrue(refused("{\"version\":\"2\",\"replicas\":0}").contains("'replicas'"));
    assertTrue(refused("{\"version\":\"2\",\"shadow_percent\":101}").contains("'shadow_percent'"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"max_error_ratio\":2}}")
            .contains("'analysis.max_error_ratio'"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"min_requests\":0}}")
            .contains("'analysis.min_requests'"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"max_p99_ms\":0}}")
            .contains("'analysis.max_p99_ms'"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"interval\":\"10ms\"}}")
            .contains("'analysis.interval'"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"max_drift_abs\":0.1}}")
            .contains("need 'shadow_percent' above 0"));
    assertTrue(
        refused("{\"version\":\"2\",\"analysis\":{\"p99\":1}}").contains("unknown field 'p99'"));
    assertTrue(refused("[1]").contains("JSON object"));
  }
}
