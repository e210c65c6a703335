package io.modelfleet.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which deployment a request for a model with no Ready replica wakes. */
class ColdStartTest {
  private static final AutoscalingSpec ZERO = new AutoscalingSpec(0, 2, 1, 0, 0, 0, 60_000);

  private static DeploymentSpec autoscaled(String version) {
    return new DeploymentSpec(
        version,
        0,
        DeviceKind.AUTO,
        BatchingSpec.NONE,
        SessionSpec.DEFAULTS,
        List.of(),
        ResponseCacheSpec.OFF,
        ZERO);
  }

  private static ModelView view(DeploymentSpec... deployments) {
    Map<String, DeploymentSpec> d = new java.util.TreeMap<>();
    for (DeploymentSpec s : deployments) {
      d.put(s.version(), s);
    }
    return new ModelView("m", Map.of(), d, Map.of());
  }

  @Test
  void aNamedVersionWakesItsAutoscaledDeployment() {
    assertEquals("1", ColdStart.wakes(view(autoscaled("1")), "1").version());
    assertNull(ColdStart.wakes(view(autoscaled("1")), "2"));
    assertNull(ColdStart.wakes(view(new DeploymentSpec("1", 1, DeviceKind.AUTO)), "1"));
  }

  @Test
  void theUnversionedRouteWakesTheOnlyDeployment() {
    assertEquals("1", ColdStart.wakes(view(autoscaled("1")), null).version());
    assertNull(ColdStart.wakes(view(autoscaled("1"), autoscaled("2")), null));
    assertNull(ColdStart.wakes(view(), null));
  }
}
