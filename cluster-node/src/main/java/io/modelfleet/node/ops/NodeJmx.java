package io.modelfleet.node.ops;

import com.typesafe.config.Config;
import io.modelfleet.gateway.connection.GatewayTls;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.jmx.FleetJmx;
import io.modelfleet.ops.jmx.JmxNames;
import io.modelfleet.ops.jmx.JmxRemote;
import io.modelfleet.ops.jmx.JmxSettings;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.service.MemberDrains;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Puts ModelFleet's MBeans and remote JMX on a node, in three steps of the node's start: the
 * settings are checked before the actor system exists (a bad one stops the node naming it), the
 * MBeans that need only the actor system are registered with the other operations components, and
 * the Node MBean and remote JMX follow once the node's devices and drains exist.
 */
final class NodeJmx {
  private static final long DEVICE_READING_MAX_AGE_NANOS = 1_000_000_000L;

  private NodeJmx() {}

  /**
   * The settings, with the TLS context when remote JMX uses TLS.
   *
   * @throws IllegalArgumentException naming the setting that cannot be used
   */
  static Optional<SSLContext> checkSettings(Config config) {
    JmxSettings settings = JmxSettings.fromConfig(config);
    if (!settings.remote() || !settings.tls()) {
      return Optional.empty();
    }
    GatewayTls tls = GatewayTls.fromConfig(config);
    if (!tls.enabled()) {
      throw new IllegalArgumentException(
          JmxSettings.TLS
              + " is on, but modelfleet.gateway.tls.key-store (MODELFLEET_TLS_KEY_STORE) is not"
              + " set: remote JMX over TLS uses the gateway's key store");
    }
    return tls.context();
  }

  /** Registers the Cluster MBean and the Model and Replica MBeans as they come. */
  static void install(ActorSystem<?> system, Config config, ModelWindows windows) {
    if (!JmxSettings.fromConfig(config).enabled()) {
      return;
    }
    Cluster cluster = Cluster.get(system);
    JmxNames names =
        config.getBoolean("pekko.cluster.jmx.multi-mbeans-in-same-jvm")
            ? JmxNames.withPort(cluster.selfMember().address().getPort().orElse(0))
            : JmxNames.single();
    FleetJmx jmx = FleetJmx.start(system, names, windows, new PekkoClusterSource(cluster));
    Ops.get(system).install(FleetJmx.class, jmx);
    Ops.get(system).observers().addReplicas(jmx);
  }

  /** Registers the Node MBean and starts remote JMX when a port is set. */
  static void started(
      ActorSystem<?> system,
      Config config,
      DeviceInventory devices,
      MemberDrains drains,
      Duration drainAnswerTimeout) {
    Ops.get(system)
        .find(FleetJmx.class)
        .ifPresent(
            jmx ->
                jmx.registerNode(
                    new InventoryDevices(devices, DEVICE_READING_MAX_AGE_NANOS, System::nanoTime),
                    new SelfDrains(
                        new PekkoClusterSource(Cluster.get(system)),
                        () -> jmx.directory().draining(),
                        drains,
                        drainAnswerTimeout),
                    Instant.ofEpochMilli(system.startTime())));
    JmxSettings settings =
        JmxSettings.fromConfig(config).withDefaultHost(config.getString("modelfleet.gateway.host"));
    if (!settings.remote()) {
      return;
    }
    try {
      JmxRemote remote =
          JmxRemote.start(
              settings, checkSettings(config), ManagementFactory.getPlatformMBeanServer());
      system.getWhenTerminated().thenRun(remote::close);
    } catch (IOException e) {
      throw new IllegalStateException(
          "remote JMX cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " (modelfleet.ops.jmx.port, MODELFLEET_JMX_PORT; modelfleet.ops.jmx.host): "
              + e.getMessage(),
          e);
    }
  }
}
