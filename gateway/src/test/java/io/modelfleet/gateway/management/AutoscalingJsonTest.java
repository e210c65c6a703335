package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** The deployment's "autoscaling" object: defaults, clamping, and a 400 naming each mistake. */
class AutoscalingJsonTest {

  private static DeploymentSpec parse(String body) {
    return DeploymentRequest.parse(Json.parse(ByteString.fromString(body)));
  }

  private static String reject(String autoscaling) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> parse("{\"version\":\"1\",\"autoscaling\":" + autoscaling + "}"));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void readsTheSettingsWithDefaultDelays() {
    DeploymentSpec d =
        parse(
            "{\"version\":\"1\",\"replicas\":9,\"autoscaling\":{\"min_replicas\":1,"
                + "\"max_replicas\":4,\"target_in_flight\":2,\"scale_up_delay\":\"2s\"}}");
    assertEquals(new AutoscalingSpec(1, 4, 2, 0, 2_000, 30_000, 0), d.autoscaling());
    assertEquals(4, d.replicas(), "replicas clamped into [min, max]");
    DeploymentSpec q =
        parse(
            "{\"version\":\"1\",\"autoscaling\":{\"min_replicas\":0,\"max_replicas\":3,"
                + "\"target_queue_delay_ms\":50,\"scale_down_delay\":\"500ms\","
                + "\"scale_to_zero_after\":\"2m\"}}");
    assertEquals(new AutoscalingSpec(0, 3, 0, 50, 5_000, 500, 120_000), q.autoscaling());
    assertEquals(1, q.replicas(), "absent replicas: min_replicas, at least 1");
    assertEquals(
        60_000,
        parse(
                "{\"version\":\"1\",\"replicas\":0,\"autoscaling\":{\"min_replicas\":0,"
                    + "\"max_replicas\":1,\"target_in_flight\":1}}")
            .autoscaling()
            .scaleToZeroAfterMillis());
    assertNull(parse("{\"version\":\"1\",\"replicas\":1}").autoscaling());
  }

  @Test
  void mistakesAreRefusedByName() {
    assertTrue(reject("{\"max_replicas\":2}").contains("exactly one target"), "no target");
    assertTrue(
        reject("{\"max_replicas\":2,\"target_in_flight\":1,\"target_queue_delay_ms\":5}")
            .contains("exactly one target"));
    assertTrue(
        reject("{\"target_in_flight\":1}").contains("'autoscaling.max_replicas' is required"));
    assertTrue(
        reject("{\"min_replicas\":3,\"max_replicas\":2,\"target_in_flight\":1}")
            .contains("'autoscaling.min_replicas' (3) must not exceed"));
    assertTrue(
        reject("{\"max_replicas\":65,\"target_in_flight\":1}")
            .contains("'autoscaling.max_replicas' must be an integer from 0 to 64"));
    assertTrue(
        reject("{\"max_replicas\":2,\"target_in_flight\":0}")
            .contains("'autoscaling.target_in_flight' must be a number above 0"));
    assertTrue(
        reject("{\"max_replicas\":2,\"target_in_flight\":1,\"scale_up_delay\":\"soon\"}")
            .contains("'autoscaling.scale_up_delay' must be a duration"));
    assertTrue(
        reject("{\"max_replicas\":2,\"target_in_flight\":1,\"scale_down_delay\":\"2h\"}")
            .contains("'autoscaling.scale_down_delay' must be from 0s to 1h"));
    assertTrue(
        reject(
                "{\"min_replicas\":1,\"max_replicas\":2,\"target_in_flight\":1,"
                    + "\"scale_to_zero_after\":\"60s\"}")
            .contains("'autoscaling.scale_to_zero_after' needs 'autoscaling.min_replicas' 0"));
    assertTrue(
        reject("{\"max_replicas\":2,\"target_in_flight\":1,\"max\":3}")
            .contains("unknown field 'autoscaling.max'"));
    assertTrue(reject("[1]").contains("'autoscaling' must be a JSON object"));
  }
}
