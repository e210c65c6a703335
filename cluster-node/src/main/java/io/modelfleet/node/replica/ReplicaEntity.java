package io.modelfleet.node.replica;

import io.modelfleet.node.device.Device;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.persistence.artifact.ArtifactRepaired;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.cluster.ClusterKeys;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.util.Timeout;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incarnation of one replica of one model version (sharded, remember-entities, id
 * "model/version/index", plus "/generation" for the copies that moves start; see {@link ReplicaId.Incarnation}).
 *
 * <p>Owns one ONNX Runtime session on one device. Asks the model registry for its version and
 * deployment, reports its placement there, loads and verifies the artifact, warms up (with the
 * deployment's own {@code model_warmup} samples, whose failure is a load failure; without them,
 * with synthetic zeros whose failure is only logged) and publishes itself READY in the replica directory, where gateways find it. Gateways send it inferences; the
 * deployment controller and sharding stop it. A failed load is published as FAILED with the reason
 * and retried with backoff; a replica whose deployment no longer wants it retires itself.
 *
 * <p>Every ORT call runs on the ORT dispatcher; this actor only keeps state and counts in-flight
 * requests, so draining knows when the session can be closed. States: see {@link ReplicaState}.
 */
public final class ReplicaEntity extends AbstractBehavior<Object> {

  /** For the warm-up, which runs on the ORT executor where the actor's own logger must not be used. */
  private static final Logger WARMUP_LOG = LoggerFactory.getLogger(ReplicaEntity.class);

  private record SpecFetched(ModelReply reply, Throwable failure) {}

  private record PlacementRead(ReplicaPlacement placement) {}

  private record Loaded(ModelSession session, Throwable failure) {}

  private record Retry() {}

  private record DrainTimedOut() {}

  private final ReplicaId id;
  /** This incarnation's entity id: the slot's id, plus the generation after a move. */
  private final String entityId;
  private final ReplicaContext rc;
  private final EntityContext<ReplicaCommand> entity;
  private final TimerScheduler<Object> timers;
  private final DirectoryPublisher directory;

  private ReplicaState state = ReplicaState.LOADING;
  private String reason;
  private Device device;
  private VersionInfo version;
  private ModelSession session;
  private InferencePipeline pipeline;
  private DeploymentSpec spec;
  private final StatsRecorder stats;
  private int attempt;
  private boolean retiring;
  /** The placement the controller sent with its last start, which wins over the gossiped map. */
  private ReplicaPlacement told;
  /** The footprint reserved on a simulated GPU while the session is open (see DeviceInventory). */
  private long reserved;
  private boolean shutdownRequested;

  /**
   * Starts replica sharding on {@code system}: one shard per replica incarnation, placed by the
   * deployment controller through the external allocation strategy; entities on members with
   * {@code role}, a proxy on the others.
   */
  public static void initSharding(ActorSystem<?> system, ReplicaContext rc, String role, Duration askTimeout) {
    ClusterSharding.get(system).init(Entity.of(ReplicaCommand.TYPE_KEY, ec -> create(ec, rc))
        .withRole(role)
        .withStopMessage(new ReplicaCommand.Shutdown())
        .withMessageExtractor(new OneShardPerReplica())
        .withAllocationStrategy(new ExternalShardAllocationStrategy(system, ReplicaCommand.TYPE_KEY.name(),
            Timeout.create(askTimeout))));
  }

  public static Behavior<ReplicaCommand> create(EntityContext<ReplicaCommand> entity, ReplicaContext rc) {
    return Behaviors.<Object>setup(ctx -> Behaviors.<Object>withTimers(timers -> new ReplicaEntity(ctx, timers, entity, rc)))
        .narrow();
  }

  private ReplicaEntity(ActorContext<Object> ctx, TimerScheduler<Object> timers, EntityContext<ReplicaCommand> entity, ReplicaContext rc) {
    super(ctx);
    this.entityId = entity.getEntityId();
    this.id = ReplicaId.parse(entityId);
    this.rc = rc;
    this.entity = entity;
    this.timers = timers;
    this.directory = new DirectoryPublisher(ctx.getSystem());
    this.stats = new StatsRecorder(id.model(), id.version());
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(ArtifactRepaired.class, ctx.getSelf().narrow()));
    fetchSpec();
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(ReplicaCommand.Infer.class, this::onInfer)
        .onMessage(ReplicaCommand.GetStats.class, m -> {
          m.replyTo().tell(stats.snapshot());
          return this;
        })
        .onMessage(InferencePipeline.ExecutionDone.class, this::onExecutionDone)
        .onMessage(InferencePipeline.PumpTick.class, m -> {
          if (pipeline != null) {
            pipeline.pump();
          }
          return this;
        })
        .onMessage(ReplicaCommand.EnsureStarted.class, m -> {
          if (m.placement() != null) {
            told = m.placement();
          }
          return this;
        })
        .onMessage(ReplicaCommand.Retire.class, m -> onRetire(m.reason()))
        .onMessage(ReplicaCommand.Shutdown.class, m -> onShutdown())
        .onMessage(SpecFetched.class, this::onSpecFetched)
        .onMessage(PlacementRead.class, this::onPlacementRead)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Retry.class, m -> onRetry())
        .onMessage(ArtifactRepaired.class, this::onArtifactRepaired)
        .onMessage(DrainTimedOut.class, m -> {
          if (pipeline != null) {
            pipeline.failQueued("replica " + entityId + " stopped before the request could run");
          }
          return finish();
        })
        .build();
  }

  private void fetchSpec() {
    state = ReplicaState.LOADING;
    publish();
    getContext().pipeToSelf(
        ClusterSharding.get(getContext().getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, id.model())
            .<ModelReply>ask(ModelCommand.GetModel::new, rc.settings().askTimeout()),
        SpecFetched::new);
  }

  private Behavior<Object> onSpecFetched(SpecFetched m) {
    if (state != ReplicaState.LOADING) {
      return this;
    }
    if (m.failure() != null || !(m.reply() instanceof ModelReply.Current current)) {
      return failed("cannot read the model registry: " + (m.failure() != null ? m.failure().getMessage() : m.reply()));
    }
    ModelView model = current.model();
    VersionInfo version = model.versions().get(id.version());
    DeploymentSpec deployment = model.deployments().get(id.version());
    if (version == null || deployment == null || id.index() >= deployment.replicas()) {
      getContext().getLog().info("Replica {} is not part of any deployment; retiring", entityId);
      return onRetire("not deployed");
    }
    spec = deployment;
    this.version = version;
    askPlacement();
    return this;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void askPlacement() {
    getContext().ask(Replicator.GetResponse.class, DistributedData.get(getContext().getSystem()).replicator(),
        rc.settings().askTimeout(),
        replyTo -> new Replicator.Get(ClusterKeys.PLACEMENTS, Replicator.readLocal(), (org.apache.pekko.actor.typed.ActorRef) replyTo),
        (rsp, err) -> new PlacementRead(placementIn(rsp)));
  }

  @SuppressWarnings("unchecked")
  private ReplicaPlacement placementIn(Replicator.GetResponse<?> rsp) {
    if (rsp instanceof Replicator.GetSuccess<?> ok) {
      return ((LWWMap<String, ReplicaPlacement>) ok.dataValue()).getEntries().get(entityId);
    }
    return null;
  }

  /**
   * The device the deployment controller placed this replica on, when the placement is for this
   * node and that device is here; otherwise (no controller decision yet, or sharding restarted the
   * replica elsewhere after a crash) the node's own choice, which the controller then sees.
   */
  private Behavior<Object> onPlacementRead(PlacementRead m) {
    if (state != ReplicaState.LOADING || spec == null) {
      return this;
    }
    DeploymentSpec deployment = spec;
    VersionInfo version = this.version;
    Device chosen = placedDevice(told != null ? told : m.placement());
    if (chosen == null) {
      chosen = chooseDevice(spec.device());
    }
    if (chosen == null) {
      return failed("the deployment asks for device 'gpu' but this node's device inventory reports no GPU");
    }
    device = chosen;
    publish();
    ClusterSharding.get(getContext().getSystem())
        .entityRefFor(ModelCommand.TYPE_KEY, id.model())
        .<ModelReply>ask(r -> new ModelCommand.RecordPlacement(new ReplicaPlacement(entityId, rc.nodeAddress(), device.id()), r),
            rc.settings().askTimeout())
        .whenComplete((ok, err) -> {
          if (err != null) {
            getContext().getSystem().log().warn("Replica {} could not record its placement: {}", entityId, err.getMessage());
          }
        });
    String clamped = rc.ort().clamped(deployment.session(), deployment.replicas());
    if (clamped != null) {
      getContext().getLog().warn("Replica {}: {}", entityId, clamped);
    }
    CompletableFuture<ModelSession> load = CompletableFuture.supplyAsync(() -> {
      ModelSession s;
      try {
        s = ModelSession.open(rc.env(), rc.artifact(version.digest()), device, rc.ort(), deployment.session(),
            deployment.replicas());
      } catch (ai.onnxruntime.OrtException e) {
        throw new IllegalStateException("ONNX Runtime cannot open the model: " + e.getMessage(), e);
      }
      try {
        if (deployment.warmup().isEmpty()) {
          String problem = s.warmUpSynthetic(id.model(), id.version());
          if (problem != null) {
            WARMUP_LOG.warn("Replica {}: the warm-up with synthetic inputs of model '{}' version '{}' failed and is ignored"
                + " (a deployment's own model_warmup samples would be checked): {}", entityId, id.model(), id.version(), problem);
          }
        } else {
          s.warmUp(deployment.warmup(), id.model(), id.version());
        }
        return s;
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }, rc.ortExecutor());
    getContext().pipeToSelf(load, Loaded::new);
    return this;
  }

  private Device placedDevice(ReplicaPlacement p) {
    if (p == null || !rc.nodeAddress().equals(p.node())) {
      return null;
    }
    if (Device.CPU.id().equals(p.device())) {
      return spec.device() == DeviceKind.GPU ? null : Device.CPU;
    }
    return rc.devices().gpus().stream().filter(g -> g.id().equals(p.device())).findFirst().orElse(null);
  }

  /** AUTO takes a GPU when the node has one. Spreads replicas over GPUs by index until placement exists. */
  private Device chooseDevice(DeviceKind kind) {
    var gpus = rc.devices().gpus();
    return switch (kind) {
      case CPU -> Device.CPU;
      case GPU -> gpus.isEmpty() ? null : gpus.get(id.index() % gpus.size());
      case AUTO -> gpus.isEmpty() ? Device.CPU : gpus.get(id.index() % gpus.size());
    };
  }

  private Behavior<Object> onLoaded(Loaded m) {
    if (m.failure() != null) {
      Throwable cause = m.failure() instanceof java.util.concurrent.CompletionException && m.failure().getCause() != null
          ? m.failure().getCause() : m.failure();
      return failed(cause.getMessage());
    }
    if (retiring || shutdownRequested) {
      session = m.session();
      return finish();
    }
    session = m.session();
    reserved = Footprint.estimate(version.size());
    rc.devices().adjustReserved(device.id(), reserved);
    pipeline = new InferencePipeline(id.model(), id.version(), session, spec.batching(), stats, rc.ortExecutor(),
        getContext().getSelf());
    state = ReplicaState.READY;
    reason = null;
    attempt = 0;
    getContext().getLog().info("Replica {} is READY on {}", entityId, device.id());
    publish();
    return this;
  }

  private Behavior<Object> failed(String why) {
    if (retiring || shutdownRequested) {
      return finish();
    }
    attempt++;
    Duration wait = rc.settings().backoff(attempt);
    state = ReplicaState.FAILED;
    // The reason is shown to clients in /v1/models/{m}: no server paths (ORT quotes the file it opened).
    reason = rc.store().redact(why) + " (attempt " + attempt + ", next retry in " + wait.toMillis() + " ms)";
    getContext().getLog().warn("Replica {} FAILED: {}", entityId, reason);
    publish();
    timers.startSingleTimer(new Retry(), wait);
    return this;
  }

  /** Its artifact's corrupt local copy was just replaced by verified bytes: retry now, not at the end of the backoff. */
  private Behavior<Object> onArtifactRepaired(ArtifactRepaired m) {
    if (state == ReplicaState.FAILED && version != null && version.digest().equals(m.digest())) {
      timers.cancel(new Retry());
      fetchSpec();
    }
    return this;
  }

  private Behavior<Object> onRetry() {
    if (state == ReplicaState.FAILED) {
      fetchSpec();
    }
    return this;
  }

  private Behavior<Object> onInfer(ReplicaCommand.Infer m) {
    if (state != ReplicaState.READY) {
      m.replyTo().tell(new InferReply.InferFailure(503, "replica " + entityId + " is " + state));
      return this;
    }
    pipeline.submit(m);
    return this;
  }

  private Behavior<Object> onExecutionDone(InferencePipeline.ExecutionDone m) {
    pipeline.done(m);
    if (state == ReplicaState.DRAINING && pipeline.outstanding() == 0) {
      return finish();
    }
    return this;
  }

  private Behavior<Object> onRetire(String why) {
    retiring = true;
    getContext().getLog().info("Replica {} retiring: {}", entityId, why);
    return drain();
  }

  private Behavior<Object> onShutdown() {
    shutdownRequested = true;
    return drain();
  }

  private Behavior<Object> drain() {
    if (state == ReplicaState.DRAINING) {
      return this;
    }
    if (state == ReplicaState.LOADING && device != null) {
      // The session is being opened on another thread; finish when it arrives (onLoaded).
      state = ReplicaState.DRAINING;
      publish();
      return this;
    }
    state = ReplicaState.DRAINING;
    publish();
    if (pipeline == null || pipeline.outstanding() == 0) {
      return finish();
    }
    timers.startSingleTimer(new DrainTimedOut(), rc.settings().drainTimeout());
    return this;
  }

  /** Closes the session and leaves: for good when retiring (passivate), else because sharding asked. */
  private Behavior<Object> finish() {
    if (session != null) {
      session.close();
      session = null;
    }
    if (reserved > 0) {
      rc.devices().adjustReserved(device.id(), -reserved);
      reserved = 0;
    }
    directory.remove(entityId);
    if (shutdownRequested) {
      return Behaviors.stopped();
    }
    // Passivation removes the entity from remember-entities, so it does not come back on restart;
    // sharding then sends Shutdown, which stops it.
    entity.getShard().tell(new org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.Passivate<>(
        getContext().getSelf().<ReplicaCommand>narrow()));
    shutdownRequested = true;
    state = ReplicaState.DRAINING;
    return Behaviors.receive(Object.class)
        .onMessage(ReplicaCommand.Shutdown.class, m -> Behaviors.stopped())
        .onMessage(ReplicaCommand.Infer.class, m -> {
          m.replyTo().tell(new InferReply.InferFailure(503, "replica " + entityId + " is stopping"));
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private void publish() {
    if (state == ReplicaState.DRAINING && session == null && device == null) {
      return;
    }
    directory.publish(new ReplicaInfo(entityId, id.model(), id.version(), rc.nodeAddress(),
        device == null ? null : device.id(), state, reason,
        getContext().getSelf().<ReplicaCommand>narrow(), System.currentTimeMillis(),
        version == null ? 0 : Footprint.estimate(version.size())));
  }
}
