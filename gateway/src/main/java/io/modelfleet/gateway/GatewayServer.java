package io.modelfleet.gateway;

import com.typesafe.config.Config;
import io.modelfleet.gateway.alerts.AlertRoutes;
import io.modelfleet.gateway.cluster.ClusterData;
import io.modelfleet.gateway.cluster.ClusterDataSubscriber;
import io.modelfleet.gateway.cluster.ClusterRoutes;
import io.modelfleet.gateway.cluster.GpuAvailability;
import io.modelfleet.gateway.connection.GatewayBinding;
import io.modelfleet.gateway.connection.GatewayTls;
import io.modelfleet.gateway.connection.TransportSettings;
import io.modelfleet.gateway.grpc.GrpcFrontDoor;
import io.modelfleet.gateway.grpc.GrpcInferenceService;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.management.ManagementRoutes;
import io.modelfleet.gateway.memory.BodyAdmission;
import io.modelfleet.gateway.memory.MemorySettings;
import io.modelfleet.gateway.metrics.MetricsRoutes;
import io.modelfleet.gateway.oip.HealthCheck;
import io.modelfleet.gateway.oip.OipRoutes;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.repository.ModelLoader;
import io.modelfleet.gateway.repository.RepositoryRoutes;
import io.modelfleet.gateway.routing.DirectorySubscriber;
import io.modelfleet.gateway.routing.InferenceDispatcher;
import io.modelfleet.gateway.routing.NodeHealth;
import io.modelfleet.gateway.routing.ReachabilityWatcher;
import io.modelfleet.gateway.routing.ReplicaChooser;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.TrafficSplit;
import io.modelfleet.gateway.security.GatewaySecurity;
import io.modelfleet.gateway.security.TenantDirectory;
import io.modelfleet.gateway.shadow.ShadowMirror;
import io.modelfleet.gateway.shadow.ShadowReport;
import io.modelfleet.gateway.shm.ShmRegistry;
import io.modelfleet.gateway.shm.ShmRoutes;
import io.modelfleet.gateway.shm.ShmSettings;
import io.modelfleet.gateway.shm.ShmTensors;
import io.modelfleet.gateway.stats.ModelStats;
import io.modelfleet.gateway.stats.StatsRoutes;
import io.modelfleet.gateway.usage.UsageRoutes;
import io.modelfleet.gateway.web.BrowserGuard;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.ops.metrics.NodeMetrics;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.service.KeyAdmin;
import io.modelfleet.protocol.service.MemberDrains;
import io.modelfleet.protocol.service.ModelCatalog;
import io.modelfleet.protocol.service.ModelUploads;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.settings.ParserSettings;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

/**
 * The gateway of one node: binds HTTP and wires the routes to the registry, the replica directory,
 * the cluster's membership and node directory, and the upload service.
 *
 * <p>Expects Cluster Sharding to be initialised for {@code ModelCommand.TYPE_KEY} on {@code system}
 * (the registry is asked through it) and the system to be a cluster member. It needs nothing else
 * from the node: the {@link ModelUploads}, {@link ModelCatalog} and {@link MemberDrains} it is
 * handed are the only paths to the artifact store, the journal and the deployment controller.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  /** Several gateways may share one ActorSystem in tests; their actor names must differ. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private static final String PEKKO_DEFAULT_PARSING_ERROR_HANDLER =
      "org.apache.pekko.http.DefaultParsingErrorHandler";

  private final GatewayBinding binding;

  /** Whether the listener speaks HTTPS. */
  private final boolean secure;

  /** How long {@link #stop} lets open requests finish before connections are cut. */
  private final Duration terminationDeadline;

  private final ActorRef<DirectorySubscriber.Command> subscriber;
  private final ActorRef<ReachabilityWatcher.Command> watcher;
  private final ActorRef<ClusterDataSubscriber.Command> clusterData;
  private final GatewaySecurity security;
  private final Optional<GrpcFrontDoor> grpc;

  private GatewayServer(
      GatewayBinding binding,
      boolean secure,
      Duration terminationDeadline,
      ActorRef<DirectorySubscriber.Command> subscriber,
      ActorRef<ReachabilityWatcher.Command> watcher,
      ActorRef<ClusterDataSubscriber.Command> clusterData,
      GatewaySecurity security,
      Optional<GrpcFrontDoor> grpc) {
    this.security = security;
    this.grpc = grpc;
    this.binding = binding;
    this.secure = secure;
    this.terminationDeadline = terminationDeadline;
    this.subscriber = subscriber;
    this.watcher = watcher;
    this.clusterData = clusterData;
  }

  /** Binds HTTP and completes when bound (or fails with the bind error). */
  public static CompletionStage<GatewayServer> start(
      ActorSystem<?> system,
      GatewaySettings settings,
      ModelUploads uploads,
      ModelCatalog catalog,
      MemberDrains drains) {
    return start(system, settings, uploads, catalog, drains, Optional.empty());
  }

  /**
   * Binds HTTP with key management ({@code /v1/keys}) when {@code keyAdmin} is given; completes
   * when bound (or fails with the bind error).
   */
  public static CompletionStage<GatewayServer> start(
      ActorSystem<?> system,
      GatewaySettings settings,
      ModelUploads uploads,
      ModelCatalog catalog,
      MemberDrains drains,
      Optional<KeyAdmin> keyAdmin) {
    TransportSettings transport = TransportSettings.fromConfig(system.settings().config());
    // Opened before anything starts: a bad key store stops the node with the setting's name.
    GatewayTls tls = GatewayTls.fromConfig(system.settings().config());
    // A waiting load or inference sends no byte: the stall timeout must not cut it first.
    transport.requireStallAbove("load-timeout", settings.loadRequestTimeout());
    transport.requireStallAbove("infer-timeout", settings.inferTimeout());
    transport.requireStallAbove("cold-start-timeout", settings.coldStartTimeout());
    ServerSettings server = serverSettings(system.settings().config(), settings, transport);
    ReplicaDirectory directory = new ReplicaDirectory();
    ReplicaChooser chooser =
        settings.preferLocalReplicas()
            ? ReplicaChooser.preferringLocal(Cluster.get(system).selfMember().address().toString())
            : new ReplicaChooser();
    NodeHealth health = new NodeHealth();
    int n = nextInstance();
    ActorRef<DirectorySubscriber.Command> subscriber =
        system.systemActorOf(
            DirectorySubscriber.create(directory, chooser),
            "gateway-directory-" + n,
            Props.empty());
    ActorRef<ReachabilityWatcher.Command> watcher =
        system.systemActorOf(
            ReachabilityWatcher.create(health, directory),
            "gateway-reachability-" + n,
            Props.empty());
    ClusterData data = new ClusterData();
    ActorRef<ClusterDataSubscriber.Command> clusterData =
        system.systemActorOf(
            ClusterDataSubscriber.create(data), "gateway-cluster-data-" + n, Props.empty());

    TenantDirectory tenants = new TenantDirectory();
    RegistryClient registry = new RegistryClient(system, catalog, settings.askTimeout(), tenants);
    GatewaySecurity security =
        GatewaySecurity.start(system, settings.maxJsonBody(), keyAdmin, tenants, registry::view, n);
    InferenceDispatcher dispatcher =
        new InferenceDispatcher(
            system,
            directory,
            chooser,
            health,
            registry,
            settings.inferTimeout(),
            settings.firstAttemptTimeout(),
            new TrafficSplit(TrafficSplit.RANDOM),
            ShadowMirror.forNode(system));
    DeploymentLimits limits = DeploymentLimits.fromConfig(system.settings().config());
    Tracing tracing = Ops.get(system).find(Tracing.class).orElse(Tracing.OFF);
    HealthCheck healthCheck =
        new HealthCheck(
            system, registry, directory, HealthCheck.Mode.fromConfig(system.settings().config()));
    ModelStats stats = new ModelStats(system, registry, directory, settings.askTimeout());
    ModelLoader loader =
        new ModelLoader(
            system,
            uploads,
            security.uploads(),
            registry,
            directory,
            settings.loadTimeout(),
            settings.loadPollInterval(),
            GpuAvailability.live(system, data));
    // Per node, as Triton's region names are per server: a client registers on the node whose
    // host it shares.
    ShmRegistry shm =
        new ShmRegistry(
            ShmSettings.fromConfig(system.settings().config()),
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    ShmTensors shmTensors = new ShmTensors(shm);
    GrpcInferenceService grpcService =
        new GrpcInferenceService(
            new GrpcInferenceService.Parts(
                security,
                registry,
                directory,
                dispatcher,
                healthCheck,
                Ops.get(system).observers(),
                BodyAdmission.get(system.classicSystem()),
                stats,
                loader,
                limits,
                shm));
    int grpcPort = GrpcFrontDoor.port(system.settings().config());
    GatewayRoutes routes =
        new GatewayRoutes(
            new StatsRoutes(settings, stats),
            new OipRoutes(
                settings,
                MemorySettings.fromConfig(system.settings().config()),
                registry,
                directory,
                dispatcher,
                healthCheck,
                Ops.get(system).observers(),
                tracing,
                shmTensors),
            new RepositoryRoutes(settings, limits, registry, directory, loader),
            new ManagementRoutes(
                settings,
                limits,
                registry,
                catalog,
                uploads,
                security.uploads(),
                directory,
                new ShadowReport(system, settings.askTimeout())),
            new ClusterRoutes(settings, system, directory, chooser, data, drains, tenants),
            new AlertRoutes(settings, Ops.get(system).find(AlertBoard.class), registry, tenants),
            new MetricsRoutes(
                Ops.get(system).find(NodeMetrics.class),
                system.dispatchers().lookup(DispatcherSelector.blocking())),
            transport.compressMinSize(),
            BrowserGuard.fromConfig(system.settings().config()),
            security,
            Ops.get(system).observers(),
            tracing,
            new UsageRoutes(settings, system),
            new ShmRoutes(settings.maxJsonBody(), shm));

    return security
        .loadKeys(system)
        .thenCompose(
            loaded ->
                GatewayBinding.bind(
                    system,
                    settings.host(),
                    settings.port(),
                    server,
                    transport,
                    tls,
                    routes.all().flow(system)))
        .handle(
            (binding, failure) -> {
              if (failure != null) {
                subscriber.tell(new DirectorySubscriber.Stop());
                watcher.tell(new ReachabilityWatcher.Stop());
                clusterData.tell(new ClusterDataSubscriber.Stop());
                security.stop();
                throw new CompletionException(
                    "gateway could not bind " + settings.host() + ":" + settings.port(), failure);
              }
              log.info(
                  "gateway listening on {} ({})",
                  binding.localAddress(),
                  tls.enabled() ? "HTTPS" : "HTTP");
              Optional<GrpcFrontDoor> grpc;
              try {
                grpc =
                    GrpcFrontDoor.start(
                        settings.host(), grpcPort, grpcService, settings.maxJsonBody(), tls);
              } catch (RuntimeException e) {
                binding.terminate(Duration.ZERO);
                subscriber.tell(new DirectorySubscriber.Stop());
                watcher.tell(new ReachabilityWatcher.Stop());
                clusterData.tell(new ClusterDataSubscriber.Stop());
                security.stop();
                throw e;
              }
              return new GatewayServer(
                  binding,
                  tls.enabled(),
                  transport.terminationDeadline(),
                  subscriber,
                  watcher,
                  clusterData,
                  security,
                  grpc);
            });
  }

  /**
   * pekko-http's server settings from {@code config}, with the values the gateway owns applied here
   * rather than by overriding pekko-http's keys in a reference.conf (a library must not override
   * another library's defaults, and which reference.conf wins depends on classpath order): the
   * connection limit and the no-byte-either-way timeout are the gateway's max-connections and
   * stall-timeout, the server-wide body limit is max-json-body (routes narrow or lift it per
   * request), and requests too malformed to reach a route are answered as JSON by {@link
   * JsonParsingErrorHandler} unless the application names its own handler in {@code
   * pekko.http.server.parsing.error-handler}.
   */
  public static ServerSettings serverSettings(
      Config config, GatewaySettings settings, TransportSettings transport) {
    ServerSettings s = ServerSettings.create(config);
    ParserSettings parsing = s.getParserSettings().withMaxContentLength(settings.maxJsonBody());
    s =
        s.withMaxConnections(transport.maxConnections())
            .withTimeouts(
                s.getTimeouts()
                    .withIdleTimeout(
                        FiniteDuration.create(
                            transport.stallTimeout().toNanos(), TimeUnit.NANOSECONDS)))
            .withParserSettings(parsing);
    if (s.getParsingErrorHandler().startsWith(PEKKO_DEFAULT_PARSING_ERROR_HANDLER)) {
      s = s.withParsingErrorHandler(JsonParsingErrorHandler.class.getName());
    }
    return s;
  }

  /**
   * A number for the actor names of one more gateway (or metrics port) in this JVM: several may
   * share an ActorSystem in tests, and their actor names must differ.
   */
  public static int nextInstance() {
    return INSTANCES.incrementAndGet();
  }

  /** The bound gRPC port, when the gateway serves gRPC. */
  public Optional<Integer> grpcPort() {
    return grpc.map(GrpcFrontDoor::port);
  }

  /** Whether the gateway serves HTTPS (modelfleet.gateway.tls.key-store is set). */
  public boolean secure() {
    return secure;
  }

  /** The bound address; with port 0 in the settings, the port the system picked. */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /**
   * Stops accepting connections, gives open requests up to termination-deadline to finish, then
   * closes every connection and stops the gateway's actors.
   */
  public CompletionStage<Void> stop() {
    grpc.ifPresent(g -> g.stop(terminationDeadline));
    return binding
        .terminate(terminationDeadline)
        .handle(
            (terminated, failure) -> {
              subscriber.tell(new DirectorySubscriber.Stop());
              watcher.tell(new ReachabilityWatcher.Stop());
              clusterData.tell(new ClusterDataSubscriber.Stop());
              security.stop();
              if (failure != null) {
                log.warn(
                    "gateway on {} did not terminate cleanly", binding.localAddress(), failure);
              }
              return null;
            });
  }
}
