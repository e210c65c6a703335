package io.modelfleet.node;

import ai.onnxruntime.OrtEnvironment;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.GatewayServer;
import io.modelfleet.gateway.connection.GatewayTls;
import io.modelfleet.node.autoscale.Autoscaler;
import io.modelfleet.node.cache.ResponseCache;
import io.modelfleet.node.cluster.ShutdownDrainSettings;
import io.modelfleet.node.demo.DemoBootstrap;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.ops.MetricsPort;
import io.modelfleet.node.ops.NodeMetricsHooks;
import io.modelfleet.node.ops.NodeOps;
import io.modelfleet.node.ort.OrtRuntime;
import io.modelfleet.node.ort.OrtSettings;
import io.modelfleet.node.placement.ControllerDrains;
import io.modelfleet.node.placement.ControllerSettings;
import io.modelfleet.node.placement.DeploymentController;
import io.modelfleet.node.replica.ReplicaContext;
import io.modelfleet.node.replica.ReplicaEntity;
import io.modelfleet.node.replica.ReplicaSettings;
import io.modelfleet.node.rollout.RolloutController;
import io.modelfleet.node.security.AccessControl;
import io.modelfleet.node.upload.UploadService;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.persistence.artifact.DatabaseArtifacts;
import io.modelfleet.persistence.artifact.OrphanCollector;
import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.persistence.db.RegistryGuard;
import io.modelfleet.persistence.registry.JournalCatalog;
import io.modelfleet.persistence.registry.ModelEntity;
import io.modelfleet.persistence.registry.RegisteredDigests;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.service.MemberDrains;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ModelFleet node with every role: registry, replicas, deployment controller and gateway. Used
 * by {@link Main} and, in-process, by the tests. Start order matters: the schema exists before the
 * journal is touched, sharding is initialised before the gateway takes requests.
 */
public final class FleetNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetNode.class);

  public static final String ORT_DISPATCHER = "modelfleet.ort-dispatcher";
  public static final String IO_DISPATCHER = "modelfleet.blocking-io-dispatcher";

  private final ActorSystem<Void> system;
  private final GatewayServer gateway;
  private final Path dataDir;
  private final Duration stopTimeout;

  private FleetNode(ActorSystem<Void> system, GatewayServer gateway, Path dataDir) {
    this.stopTimeout = NodeTimeouts.fromConfig(system.settings().config()).stopTimeout();
    this.system = system;
    this.gateway = gateway;
    this.dataDir = dataDir;
  }

  /** Starts the node and returns once HTTP is bound (replicas may still be loading). */
  public static FleetNode start(Config config) {
    Path dataDir = Path.of(config.getString("modelfleet.data-dir")).toAbsolutePath().normalize();
    DatabaseSettings db = DatabaseSettings.fromConfig(config, dataDir);
    String artifactsDir = config.getString("modelfleet.artifacts.dir");
    Path artifactsRoot =
        artifactsDir.isBlank()
            ? dataDir.resolve("artifacts")
            : Path.of(artifactsDir).toAbsolutePath();
    // Never start on a registry that existed and is now gone, empty or unreadable (see
    // RegistryGuard).
    RegistryGuard guard = new RegistryGuard(db, dataDir, artifactsRoot, journalTable(config));
    guard.checkBeforeOpen();
    if (db.createSchema()) {
      try {
        DatabaseSchema.ensure(db);
      } catch (RuntimeException e) {
        throw guard.unreadable(e);
      }
    }
    guard.checkAndRecord();
    ShutdownDrainSettings shutdownDrain = ShutdownDrainSettings.fromConfig(config);
    // The drain runs in this phase, so the phase must outlast it.
    Config phase =
        ConfigFactory.parseString(
            "pekko.coordinated-shutdown.phases.before-service-unbind.timeout = "
                + (shutdownDrain.deadline().toMillis() + 10_000)
                + "ms");
    Config full =
        ClusterSettings.pekkoOverrides(config)
            .withFallback(phase)
            .withFallback(db.pekkoOverrides())
            .withFallback(config);
    ClusterSettings clusterSettings = ClusterSettings.fromConfig(full);
    if (clusterSettings.roles().contains(ClusterKeys.ROLE_GATEWAY)) {
      // Opens the HTTPS key store now, so a bad one stops the node before anything starts.
      GatewayTls.fromConfig(full);
    }
    AccessControl.checkSettings(full);
    NodeOps.checkSettings(full);
    ArtifactStore store =
        ArtifactStore.open(artifactsRoot, full.getBytes("modelfleet.artifacts.max-upload-size"));

    DatabaseArtifacts shared = sharedStore(full, db);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "modelfleet", full);
    try {
      // Before anything that reports to it (replicas, routes).
      NodeOps.install(system, full);
      Cluster cluster = Cluster.get(system);
      clusterSettings.join(system);
      Executor ort = system.dispatchers().lookup(DispatcherSelector.fromConfig(ORT_DISPATCHER));
      Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig(IO_DISPATCHER));
      OrtEnvironment env = OrtRuntime.environment();
      ReplicaSettings replicaSettings = ReplicaSettings.fromConfig(full);
      DeviceInventory devices = DeviceInventory.fromConfig(full);
      NodeMetricsHooks.devices(system, devices);
      String nodeAddress = cluster.selfMember().address().toString();
      ReplicaContext rc =
          new ReplicaContext(
              store,
              shared,
              devices,
              env,
              OrtSettings.fromConfig(full),
              replicaSettings,
              ort,
              nodeAddress,
              ResponseCache.fromConfig(full));

      // Entities live on workers only; on a gateway-only node these start proxies.
      ModelEntity.initSharding(system, ClusterKeys.ROLE_WORKER);
      ReplicaEntity.initSharding(system, rc, ClusterKeys.ROLE_WORKER, replicaSettings.askTimeout());
      JournalCatalog catalog = new JournalCatalog(system);
      // The controller runs on a worker; on every other node this is a proxy to it.
      ControllerSettings controllerSettings = ControllerSettings.fromConfig(full);
      ActorRef<ControllerCommand> controller =
          ClusterSingleton.get(system)
              .init(
                  SingletonActor.of(
                          DeploymentController.create(
                              catalog.journal(), controllerSettings, replicaSettings.askTimeout()),
                          "deployment-controller")
                      .withSettings(
                          ClusterSingletonSettings.create(system)
                              .withRole(ClusterKeys.ROLE_WORKER)));
      // Rollouts: also a singleton on the workers; nothing is sent to it (it follows the journal).
      ClusterSingleton.get(system)
          .init(
              SingletonActor.of(
                      RolloutController.create(
                          catalog.journal(), full, replicaSettings.askTimeout()),
                      "rollout-controller")
                  .withSettings(
                      ClusterSingletonSettings.create(system).withRole(ClusterKeys.ROLE_WORKER)));
      Autoscaler.start(system, catalog.journal(), replicaSettings.askTimeout());
      MemberDrains drains =
          new ControllerDrains(
              controller, controllerSettings.drainAnswerTimeout(), system.scheduler());
      NodeOps.started(system, full, devices, drains, controllerSettings.drainAnswerTimeout());
      if (clusterSettings.roles().contains(ClusterKeys.ROLE_WORKER)) {
        WorkerRole.start(
            system, devices, clusterSettings.roles(), nodeAddress, full, shutdownDrain, drains);
      }

      store.onRepaired(r -> system.eventStream().tell(new EventStream.Publish<>(r)));
      new OrphanCollector(
              store,
              () -> RegisteredDigests.current(system, catalog.journal()),
              full.getDuration("modelfleet.artifacts.gc-grace"),
              io)
          .schedule(system, full.getDuration("modelfleet.artifacts.gc-interval"));
      UploadService uploads =
          new UploadService(
              system, store, shared, env, ort, io, IO_DISPATCHER, replicaSettings.askTimeout());
      if (full.getBoolean("modelfleet.node.demo-model")) {
        DemoBootstrap.ensure(
            system,
            uploads,
            replicaSettings.askTimeout(),
            NodeTimeouts.fromConfig(full).demoUploadTimeout());
      }
      AccessControl.Started access =
          AccessControl.start(
              system,
              full,
              catalog,
              clusterSettings.roles(),
              dataDir,
              replicaSettings.askTimeout());
      GatewayServer gateway =
          clusterSettings.roles().contains(ClusterKeys.ROLE_GATEWAY)
              ? GatewayRole.start(
                  system,
                  full,
                  NodeMetricsHooks.uploads(system, uploads),
                  catalog,
                  drains,
                  access.keyAdmin())
              : null;
      MetricsPort.start(system, NodeTimeouts.fromConfig(full).bindTimeout());
      // The class's own logger, not the actor system's: this line is what an operator (and a
      // test reading the node's output) looks for.
      log.info(
          "ModelFleet node {} (remoting: Artery {}) with roles {} serving {} on {} with"
              + " devices [{}], data in {}",
          nodeAddress,
          full.getString("pekko.remote.artery.transport"),
          clusterSettings.roles(),
          gateway != null && gateway.secure() ? "HTTPS" : "HTTP",
          gateway == null ? "(no gateway role)" : gateway.localAddress(),
          devices.hasGpu() ? devices.gpus() : "cpu",
          dataDir);
      return new FleetNode(system, gateway, dataDir);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node failed to start: " + e.getMessage(), e);
    }
  }

  /** The journal table as SQL names it, for RegistryGuard's read check. */
  private static String journalTable(Config config) {
    String schema = config.getString("jdbc-journal.tables.event_journal.schemaName");
    String table = config.getString("jdbc-journal.tables.event_journal.tableName");
    return schema.isBlank() ? table : schema + "." + table;
  }

  /**
   * The cluster-wide artifact copy in the registry database, per modelfleet.artifacts.shared-store.
   */
  private static DatabaseArtifacts sharedStore(Config config, DatabaseSettings db) {
    String mode = config.getString("modelfleet.artifacts.shared-store");
    boolean on =
        switch (mode) {
          case "database" -> true;
          case "none" -> false;
          case "auto" -> db.dialect() == DatabaseSettings.Dialect.POSTGRES;
          default ->
              throw new IllegalArgumentException(
                  "modelfleet.artifacts.shared-store must be auto, database or none, got '"
                      + mode
                      + "'");
        };
    return on ? DatabaseArtifacts.fromConfig(config, db) : null;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int httpPort() {
    if (gateway == null) {
      throw new IllegalStateException("this node has no gateway role");
    }
    return gateway.localAddress().getPort();
  }

  public String baseUrl() {
    return (gateway != null && gateway.secure() ? "https" : "http") + "://127.0.0.1:" + httpPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Graceful stop, as on SIGTERM: unbind, drain replicas, leave the cluster. */
  @Override
  public void close() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the node did not stop within "
              + stopTimeout.toSeconds()
              + " s (modelfleet.node.stop-timeout)",
          e);
    }
  }

  /** Completes when the actor system has terminated. */
  public CompletableFuture<Done> whenTerminated() {
    return system.getWhenTerminated().toCompletableFuture();
  }
}
