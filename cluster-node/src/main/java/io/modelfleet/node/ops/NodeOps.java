package io.modelfleet.node.ops;

import com.typesafe.config.Config;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.OpsSettings;
import io.modelfleet.ops.alerts.node.AlertsInstaller;
import io.modelfleet.ops.load.LoadProbeActor;
import io.modelfleet.ops.load.ShadowCounters;
import io.modelfleet.ops.load.VersionCounters;
import io.modelfleet.ops.logs.AccessLog;
import io.modelfleet.ops.metrics.MetricsInstaller;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.ops.tracing.TracingSettings;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.service.MemberDrains;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Installs the node's operations components into its {@link Ops} before any replica or route can
 * report: each component registers the observers it needs and is found by type by whoever reads it
 * (the gateway's routes, JMX, the alert evaluator).
 */
public final class NodeOps {
  private NodeOps() {}

  /**
   * Checks the operations settings before the actor system exists, so that a bad one stops the node
   * with a sentence naming it.
   *
   * @throws IllegalArgumentException naming the setting
   */
  public static void checkSettings(Config config) {
    NodeJmx.checkSettings(config);
  }

  public static void install(ActorSystem<?> system, Config config) {
    Ops ops = Ops.get(system);
    OpsSettings settings = OpsSettings.fromConfig(config);
    ModelWindows windows =
        new ModelWindows(settings.window(), settings.windowSlices(), System::nanoTime);
    ops.install(ModelWindows.class, windows);
    ops.observers().addReplicas(windows);
    ShadowCounters shadows = new ShadowCounters();
    ops.install(ShadowCounters.class, shadows);
    VersionCounters versions = new VersionCounters();
    ops.observers().addReplicas(versions);
    system.systemActorOf(
        LoadProbeActor.create(
            Cluster.get(system).selfMember().address().toString(), versions, shadows),
        "load-probe",
        Props.empty());
    MetricsInstaller.install(system, config);
    if (config.getBoolean("modelfleet.ops.access-log.enabled")) {
      ops.observers().addHttp(new AccessLog(config.getBoolean("modelfleet.ops.access-log.probes")));
    }
    Tracing tracing =
        Tracing.start(
            TracingSettings.fromConfig(config),
            Cluster.get(system).selfMember().address().toString());
    ops.install(Tracing.class, tracing);
    if (tracing.enabled()) {
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "tracing-flush",
              () ->
                  CompletableFuture.runAsync(
                          tracing::close,
                          system.dispatchers().lookup(DispatcherSelector.blocking()))
                      .thenApply(x -> Done.getInstance()));
    }
    NodeMetering.install(system, config);
    NodeJmx.install(system, config, windows);
    AlertsInstaller.install(system, config, windows);
  }

  /**
   * The second step, once the node's devices and drains exist: what needs them (the JMX Node MBean
   * and its drain operation, remote JMX).
   */
  public static void started(
      ActorSystem<?> system,
      Config config,
      DeviceInventory devices,
      MemberDrains drains,
      Duration drainAnswerTimeout) {
    NodeJmx.started(system, config, devices, drains, drainAnswerTimeout);
  }
}
