package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelfleet.persistence.registry.EventMeta;
import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.rollout.RolloutState;
import org.junit.jupiter.api.Test;

/** The event label of modelfleet_registry_events_total tells a rollback from a promotion. */
class ControllerMetricsTest {
  private static final EventMeta META = EventMeta.of(RequestMeta.system("test"));

  @Test
  void rolloutOutcomesAndScalingHaveTheirOwnNames() {
    assertEquals(
        "rollout_rolled_back",
        ControllerMetrics.event(
            new ModelEvent.RolloutFinished("1", RolloutState.ROLLED_BACK, null, META)));
    assertEquals(
        "rollout_promoted",
        ControllerMetrics.event(
            new ModelEvent.RolloutFinished("1", RolloutState.PROMOTED, null, META)));
    assertEquals(
        "rollout_changed", ControllerMetrics.event(new ModelEvent.RolloutResumed("1", META)));
    assertEquals(
        "deployment_scaled",
        ControllerMetrics.event(new ModelEvent.DeploymentScaled("1", 1, 3, META)));
  }
}
