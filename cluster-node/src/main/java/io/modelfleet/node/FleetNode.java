package io.modelfleet.node;

import ai.onnxruntime.OrtEnvironment;
import com.typesafe.config.Config;
import io.modelfleet.gateway.GatewayServer;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.node.demo.DemoBootstrap;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.ort.OrtRuntime;
import io.modelfleet.node.ort.OrtSettings;
import io.modelfleet.node.placement.DeploymentController;
import io.modelfleet.node.replica.ReplicaContext;
import io.modelfleet.node.replica.ReplicaEntity;
import io.modelfleet.node.replica.ReplicaSettings;
import io.modelfleet.node.upload.UploadService;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.persistence.registry.JournalCatalog;
import io.modelfleet.persistence.registry.ModelEntity;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.replica.ReplicaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One ModelFleet node with every role: registry, replicas, deployment controller and gateway.
 * Used by {@link Main} and, in-process, by the tests. Start order matters: the schema exists
 * before the journal is touched, sharding is initialised before the gateway takes requests.
 */
public final class FleetNode implements AutoCloseable {
  public static final String ORT_DISPATCHER = "modelfleet.ort-dispatcher";
  public static final String IO_DISPATCHER = "modelfleet.blocking-io-dispatcher";

  private final ActorSystem<Void> system;
  private final GatewayServer gateway;
  private final Path dataDir;

  private FleetNode(ActorSystem<Void> system, GatewayServer gateway, Path dataDir) {
    this.system = system;
    this.gateway = gateway;
    this.dataDir = dataDir;
  }

  /** Starts the node and returns once HTTP is bound (replicas may still be loading). */
  public static FleetNode start(Config config) {
    Path dataDir = Path.of(config.getString("modelfleet.data-dir")).toAbsolutePath().normalize();
    DatabaseSettings db = DatabaseSettings.fromConfig(config, dataDir);
    if (db.createSchema()) {
      DatabaseSchema.ensure(db);
    }
    Config full = db.pekkoOverrides().withFallback(config);
    String artifactsDir = full.getString("modelfleet.artifacts.dir");
    ArtifactStore store = ArtifactStore.open(
        artifactsDir.isBlank() ? dataDir.resolve("artifacts") : Path.of(artifactsDir).toAbsolutePath(),
        full.getBytes("modelfleet.artifacts.max-upload-size"));

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "modelfleet", full);
    try {
      Cluster cluster = Cluster.get(system);
      if (full.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      Executor ort = system.dispatchers().lookup(DispatcherSelector.fromConfig(ORT_DISPATCHER));
      Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig(IO_DISPATCHER));
      OrtEnvironment env = OrtRuntime.environment();
      ReplicaSettings replicaSettings = ReplicaSettings.fromConfig(full);
      DeviceInventory devices = DeviceInventory.fromConfig(full);
      String nodeAddress = cluster.selfMember().address().toString();
      ReplicaContext rc = new ReplicaContext(store, devices, env, OrtSettings.fromConfig(full), replicaSettings, ort, nodeAddress);

      ClusterSharding sharding = ClusterSharding.get(system);
      sharding.init(Entity.of(ModelCommand.TYPE_KEY, ec -> ModelEntity.create(ec.getEntityId()))
          .withSettings(ClusterShardingSettings.create(system).withRememberEntities(false)));
      sharding.init(Entity.of(ReplicaCommand.TYPE_KEY, ec -> ReplicaEntity.create(ec, rc))
          .withStopMessage(new ReplicaCommand.Shutdown()));

      JournalCatalog catalog = new JournalCatalog(system);
      Duration resync = full.getDuration("modelfleet.controller.resync-interval");
      ClusterSingleton.get(system).init(SingletonActor.of(
          DeploymentController.create(catalog.journal(), resync, replicaSettings.askTimeout()), "deployment-controller"));

      UploadService uploads = new UploadService(system, store, env, ort, io, IO_DISPATCHER, replicaSettings.askTimeout());
      if (full.getBoolean("modelfleet.node.demo-model")) {
        DemoBootstrap.ensure(system, uploads, replicaSettings.askTimeout());
      }
      GatewayServer gateway = GatewayServer.start(system, GatewaySettings.fromConfig(full), uploads, catalog)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "gateway-unbind",
          () -> gateway.stop().thenApply(v -> Done.getInstance()));
      system.log().info("ModelFleet node {} serving HTTP on {} with devices [{}], data in {}", nodeAddress,
          gateway.localAddress(), devices.hasGpu() ? devices.gpus() : "cpu", dataDir);
      return new FleetNode(system, gateway, dataDir);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node failed to start: " + e.getMessage(), e);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int httpPort() {
    return gateway.localAddress().getPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Graceful stop, as on SIGTERM: unbind, drain replicas, leave the cluster. */
  @Override
  public void close() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not stop within 60 s", e);
    }
  }

  /** Completes when the actor system has terminated. */
  public CompletableFuture<Done> whenTerminated() {
    return system.getWhenTerminated().toCompletableFuture();
  }
}
