package io.modelfleet.node.placement;

import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reconciles desired deployments with live replicas (cluster singleton).
 *
 * <p>Follows every model's events through the journal's tagged event stream, so a deployment made
 * by any gateway (or replayed after a restart) reaches it without anyone telling it; subscribes to
 * the replica directory to see live replicas. For each model it starts every desired replica
 * (sharding's remember-entities keeps them across restarts) and retires live replicas that no
 * deployment wants. A periodic resync catches anything a message missed.
 *
 * <p>Placement across nodes and GPUs (bin packing, spread, Pending) is the cluster issue's; today
 * sharding's default allocation places the replica entities.
 */
public final class DeploymentController {

  public sealed interface Command {}

  private record ModelChanged(String model) implements Command {}

  private record Reconcile(String model, ModelReply reply, Throwable failure) implements Command {}

  private record DirectoryChanged(Replicator.SubscribeResponse<LWWMap<String, ReplicaInfo>> response) implements Command {}

  private record Resync() implements Command {}

  private record StreamFailed(Throwable cause) implements Command {}

  public static Behavior<Command> create(JdbcReadJournal journal, Duration resyncInterval, Duration askTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> DistributedData.<Command, LWWMap<String, ReplicaInfo>>withReplicatorMessageAdapter(replicator -> {
      replicator.subscribe(ReplicaDirectoryKey.KEY, DirectoryChanged::new);
      var self = ctx.getSelf();
      String prefix = ModelCommand.TYPE_KEY.name() + "|";
      UniqueKillSwitch killSwitch = journal.eventsByTag(io.modelfleet.persistence.registry.ModelEvent.TAG, Offset.noOffset())
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.foreach(env -> self.tell(new ModelChanged(env.persistenceId().substring(prefix.length())))), Keep.both())
          .run(ctx.getSystem())
          .first();
      timers.startTimerWithFixedDelay(new Resync(), resyncInterval);
      return new DeploymentController(ctx, askTimeout).running(killSwitch);
    })));
  }

  private final ActorContext<Command> ctx;
  private final Duration askTimeout;
  private final Set<String> models = new HashSet<>();
  private Map<String, ReplicaInfo> live = Map.of();

  private DeploymentController(ActorContext<Command> ctx, Duration askTimeout) {
    this.ctx = ctx;
    this.askTimeout = askTimeout;
  }

  private Behavior<Command> running(UniqueKillSwitch killSwitch) {
    return Behaviors.receive(Command.class)
        .onMessage(ModelChanged.class, m -> {
          models.add(m.model());
          askModel(m.model());
          return Behaviors.same();
        })
        .onMessage(Resync.class, m -> {
          models.forEach(this::askModel);
          return Behaviors.same();
        })
        .onMessage(DirectoryChanged.class, m -> {
          if (m.response() instanceof Replicator.Changed<LWWMap<String, ReplicaInfo>> c) {
            live = new HashMap<>(c.get(ReplicaDirectoryKey.KEY).getEntries());
          }
          return Behaviors.same();
        })
        .onMessage(Reconcile.class, this::onReconcile)
        .onMessage(StreamFailed.class, m -> {
          throw new IllegalStateException("registry event stream failed", m.cause());
        })
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
          killSwitch.shutdown();
          return Behaviors.same();
        })
        .build();
  }

  private void askModel(String model) {
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem()).entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout),
        (reply, failure) -> new Reconcile(model, reply, failure));
  }

  private Behavior<Command> onReconcile(Reconcile m) {
    if (m.failure() != null || !(m.reply() instanceof ModelReply.Current current)) {
      ctx.getLog().warn("Cannot reconcile model {}: {}", m.model(), m.failure() != null ? m.failure().getMessage() : m.reply());
      return Behaviors.same();
    }
    Set<String> desired = new HashSet<>();
    for (DeploymentSpec d : current.model().deployments().values()) {
      for (int i = 0; i < d.replicas(); i++) {
        desired.add(new ReplicaId(m.model(), d.version(), i).entityId());
      }
    }
    var sharding = ClusterSharding.get(ctx.getSystem());
    for (String id : desired) {
      sharding.entityRefFor(ReplicaCommand.TYPE_KEY, id).tell(new ReplicaCommand.EnsureStarted());
    }
    for (ReplicaInfo info : live.values()) {
      if (info.model().equals(m.model()) && !desired.contains(info.replicaId())) {
        info.ref().tell(new ReplicaCommand.Retire("no deployment wants replica " + info.replicaId()));
      }
    }
    return Behaviors.same();
  }
}
