package io.modelfleet.node.ops;

import com.typesafe.config.Config;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.OpsSettings;
import io.modelfleet.ops.metrics.MetricsInstaller;
import io.modelfleet.ops.window.ModelWindows;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Installs the node's operations components into its {@link Ops} before any replica or route can
 * report: each component registers the observers it needs and is found by type by whoever reads it
 * (the gateway's routes, JMX, the alert evaluator).
 */
public final class NodeOps {
  private NodeOps() {}

  public static void install(ActorSystem<?> system, Config config) {
    Ops ops = Ops.get(system);
    OpsSettings settings = OpsSettings.fromConfig(config);
    ModelWindows windows =
        new ModelWindows(settings.window(), settings.windowSlices(), System::nanoTime);
    ops.install(ModelWindows.class, windows);
    ops.observers().addReplicas(windows);
    MetricsInstaller.install(system, config);
  }
}
