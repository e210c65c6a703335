package io.modelfleet.ops.alerts.node;

import com.typesafe.config.Config;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.ops.alerts.AlertSettings;
import io.modelfleet.ops.alerts.ReplicaSignals;
import io.modelfleet.ops.alerts.drift.DriftMonitor;
import io.modelfleet.ops.window.ModelWindows;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Installs alerting on a node at its start, before any replica reports: the replica signals (queue
 * peaks, sampled outputs) as a replica observer, the {@link AlertBoard} that {@code GET /v1/alerts}
 * reads, and the {@link AlertEvaluator} on its own dispatcher.
 */
public final class AlertsInstaller {
  public static final String DISPATCHER = "modelfleet.ops.alerts.dispatcher";

  private AlertsInstaller() {}

  public static void install(ActorSystem<?> system, Config config, ModelWindows windows) {
    AlertSettings settings = AlertSettings.fromConfig(config);
    Ops ops = Ops.get(system);
    DriftMonitor drift = new DriftMonitor(settings.drift(), System::nanoTime);
    ReplicaSignals signals = new ReplicaSignals(settings, drift);
    if (settings.enabled()) {
      ops.observers().addReplicas(signals);
    }
    AlertBoard board = new AlertBoard(system, () -> members(system));
    ops.install(AlertBoard.class, board);
    system.systemActorOf(
        AlertEvaluator.create(settings, windows, signals, drift, board),
        "alert-evaluator",
        DispatcherSelector.fromConfig(DISPATCHER));
  }

  private static Set<String> members(ActorSystem<?> system) {
    Set<String> out = new HashSet<>();
    Cluster.get(system).state().getMembers().forEach(m -> out.add(m.address().toString()));
    return out;
  }
}
