package io.modelfleet.ops.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.ops.alerts.drift.DriftMonitor;
import io.modelfleet.ops.observe.ReplicaObserver;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSignalsTest {
  private final AlertSettings settings = TestAlertSettings.of("models { quiet { drift = off } }");
  private final ReplicaSignals signals =
      new ReplicaSignals(settings, new DriftMonitor(settings.drift(), System::nanoTime));

  @Test
  void theHighestPendingOfOneReplicaSinceTheLastRoundWithItsLimit() {
    ReplicaObserver a = signals.open("m", "1", "m/1/0", "cpu");
    ReplicaObserver b = signals.open("m", "1", "m/1/1", "cpu");
    a.pending(3);
    a.pending(7);
    a.pending(2);
    b.pending(5);
    assertEquals(List.of(new QueueReading("m", "1", 7, 10)), signals.takeQueuePeaks((m, v) -> 10));
    // The next round starts from the current counts.
    assertEquals(List.of(new QueueReading("m", "1", 5, 0)), signals.takeQueuePeaks((m, v) -> 0));
    b.closed();
    a.closed();
    assertEquals(List.of(), signals.takeQueuePeaks((m, v) -> 0));
  }

  @Test
  void outputsAreWantedOnlyForModelsWhoseDriftIsSampled() {
    assertTrue(signals.open("m", "1", "m/1/0", "cpu").wantsOutputs());
    assertFalse(signals.open("quiet", "1", "quiet/1/0", "cpu").wantsOutputs());
  }
}
