package io.modelfleet.node.placement;

import io.modelfleet.node.cluster.Directories;
import io.modelfleet.node.cluster.ModelChanges;
import io.modelfleet.node.placement.ControllerMessage.Data;
import io.modelfleet.node.placement.ControllerMessage.DrainWriteFailed;
import io.modelfleet.node.placement.ControllerMessage.DrainWritten;
import io.modelfleet.node.placement.ControllerMessage.EventStreamCompleted;
import io.modelfleet.node.placement.ControllerMessage.EventStreamFailed;
import io.modelfleet.node.placement.ControllerMessage.LocationFailed;
import io.modelfleet.node.placement.ControllerMessage.LocationSet;
import io.modelfleet.node.placement.ControllerMessage.Members;
import io.modelfleet.node.placement.ControllerMessage.ModelChanged;
import io.modelfleet.node.placement.ControllerMessage.ModelRead;
import io.modelfleet.node.placement.ControllerMessage.ModelReadFailed;
import io.modelfleet.node.placement.ControllerMessage.Resync;
import io.modelfleet.node.placement.ControllerMessage.Round;
import io.modelfleet.node.placement.ControllerMessage.Starters;
import io.modelfleet.node.replica.ReplicaStarter;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Reconciles desired deployments with live replicas and decides where each replica runs (cluster
 * singleton on the workers). A thin actor: {@link Decisions} decides, this actor keeps what it is
 * told, runs a round when something changed, and carries the round's actions out ({@link
 * ActionRunner}).
 *
 * <p>Knows: every model (it follows the registry's tagged event stream, so any change or a replay
 * after a restart reaches it), the live replicas (replica directory), the workers and their devices
 * (node directory), the members being drained, and cluster membership. A round runs debounced after
 * any change and at least every resync interval.
 *
 * <p>Owns the draining set: {@link ControllerCommand.Drain} and {@link
 * ControllerCommand.CancelDrain} (from a gateway or a worker that is shutting down) are written
 * with a majority write and answered once the write has ended; a drained member's entry is dropped
 * when it is asked to leave. No other node writes the set.
 *
 * <p>Moves are make-before-break: the next incarnation of a slot starts on the target, and the old
 * one is retired once the new one is READY (see {@link Moves}). Entities are started from the node
 * that should host them ({@link ReplicaStarter}), so they never begin on the wrong node.
 */
public final class DeploymentController {

  private static final Object ROUND = "round";

  /**
   * A failure restarts the controller (with backoff) rather than stopping it: a singleton that
   * stopped would leave the cluster without placement until its node left. Everything it knows is
   * read again from the registry and the directories.
   *
   * @param journal the registry's read journal (JDBC in production, the persistence test kit's in
   *     tests)
   * @param askTimeout how long a model entity may take to answer a read
   */
  public static Behavior<ControllerCommand> create(
      EventsByTagQuery journal, ControllerSettings settings, Duration askTimeout) {
    return Behaviors.supervise(behavior(journal, settings, askTimeout))
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2));
  }

  private static Behavior<ControllerCommand> behavior(
      EventsByTagQuery journal, ControllerSettings settings, Duration askTimeout) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // One adapter for every subscription: an actor has one message adapter per
                  // message class, so a second ReplicatorMessageAdapter would silently replace the
                  // first. Data tells keys apart.
                  @SuppressWarnings({"unchecked", "rawtypes"})
                  ActorRef<Replicator.SubscribeResponse> adapter =
                      ctx.messageAdapter(Replicator.SubscribeResponse.class, Data::new);
                  var replicator = DistributedData.get(ctx.getSystem()).replicator();
                  subscribe(replicator, ReplicaDirectoryKey.KEY, adapter);
                  subscribe(replicator, ClusterKeys.NODES, adapter);
                  subscribe(replicator, ClusterKeys.DRAINING, adapter);
                  var memberAdapter =
                      ctx.messageAdapter(ClusterEvent.MemberEvent.class, Members::new);
                  Cluster.get(ctx.getSystem())
                      .subscriptions()
                      .tell(Subscribe.create(memberAdapter, ClusterEvent.MemberEvent.class));
                  ctx.getSystem()
                      .receptionist()
                      .tell(
                          Receptionist.subscribe(
                              ReplicaStarter.KEY,
                              ctx.messageAdapter(Receptionist.Listing.class, Starters::new)));
                  var self = ctx.getSelf();
                  var stream =
                      ModelChanges.follow(
                          journal,
                          ctx.getSystem(),
                          ControllerMetrics.of(ctx.getSystem())::journal,
                          env -> true,
                          model -> self.tell(new ModelChanged(model)));
                  // The stream is how the controller learns of every model; one that ended (a
                  // journal query failed, or the read journal's sequence actor did not answer its 1
                  // s ask on a loaded host) would leave it deaf until it moved. A restart starts a
                  // fresh stream from the beginning.
                  ctx.pipeToSelf(
                      stream.second(),
                      (done, failure) ->
                          failure == null
                              ? new EventStreamCompleted()
                              : new EventStreamFailed(failure));
                  timers.startTimerWithFixedDelay(new Resync(), settings.resyncInterval());
                  return new DeploymentController(ctx, timers, settings, askTimeout)
                      .running(stream.first());
                }));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void subscribe(
      ActorRef<Replicator.Command> replicator,
      Key<?> key,
      ActorRef<Replicator.SubscribeResponse> adapter) {
    replicator.tell(new Replicator.Subscribe(key, (ActorRef) adapter));
  }

  private final ActorContext<ControllerCommand> ctx;
  private final TimerScheduler<ControllerCommand> timers;
  private final ControllerSettings settings;
  private final Duration askTimeout;
  private final Directories directories;
  private final Decisions decisions;
  private final ActionRunner runner;
  private final Map<String, ModelView> models = new HashMap<>();
  private Map<String, ReplicaInfo> live = Map.of();
  private Map<String, NodeInfo> nodes = Map.of();
  private Set<String> draining = Set.of();

  private DeploymentController(
      ActorContext<ControllerCommand> ctx,
      TimerScheduler<ControllerCommand> timers,
      ControllerSettings settings,
      Duration askTimeout) {
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.askTimeout = askTimeout;
    this.directories = new Directories(ctx.getSystem());
    this.decisions = new Decisions(settings);
    this.runner = new ActionRunner(ctx, directories, LocationSet::new, LocationFailed::new);
  }

  private Behavior<ControllerCommand> running(UniqueKillSwitch killSwitch) {
    ctx.getLog()
        .info(
            "Deployment controller started on {}",
            Cluster.get(ctx.getSystem()).selfMember().address());
    return Behaviors.receive(ControllerCommand.class)
        .onMessage(
            ModelChanged.class,
            m -> {
              askModel(m.model());
              return Behaviors.same();
            })
        .onMessage(
            ModelRead.class,
            m -> {
              ModelView before = models.put(m.model(), m.view());
              if (m.view().exists() && (before == null || !before.exists())) {
                directories.putModelTenant(m.model(), m.view().tenant());
              }
              scheduleRound();
              return Behaviors.same();
            })
        .onMessage(
            ModelReadFailed.class,
            m -> {
              ctx.getLog().warn("Cannot read model {}: {}", m.model(), m.why());
              return Behaviors.same();
            })
        .onMessage(Data.class, this::onData)
        .onMessage(Members.class, this::onMembers)
        .onMessage(
            Resync.class,
            m -> {
              models.keySet().forEach(this::askModel);
              scheduleRound();
              return Behaviors.same();
            })
        .onMessage(Round.class, m -> round())
        .onMessage(
            Starters.class,
            m -> {
              runner.starters(m.listing());
              return Behaviors.same();
            })
        .onMessage(
            LocationSet.class,
            m -> {
              runner.start(m.entityId(), m.at());
              return Behaviors.same();
            })
        .onMessage(
            LocationFailed.class,
            m -> {
              ctx.getLog()
                  .warn(
                      "Could not set the shard location of {}: {}",
                      m.entityId(),
                      m.failure().toString());
              return Behaviors.same();
            })
        .onMessage(
            ControllerCommand.Drain.class,
            m -> writeDraining("drain", m.address(), true, m.replyTo()))
        .onMessage(
            ControllerCommand.CancelDrain.class,
            m -> writeDraining("drain cancel", m.address(), false, m.replyTo()))
        .onMessage(DrainWritten.class, this::onDrainWritten)
        .onMessage(
            DrainWriteFailed.class,
            m -> {
              ctx.getLog()
                  .warn(
                      "The replicator did not answer the {} of {}: {}",
                      m.what(),
                      m.address(),
                      m.failure().toString());
              m.replyTo().tell(new DrainReply.Unanswered(m.address()));
              return Behaviors.same();
            })
        .onMessage(
            EventStreamCompleted.class,
            m -> {
              throw new IllegalStateException(
                  "the registry's event stream ended; restarting the controller to follow it again");
            })
        .onMessage(
            EventStreamFailed.class,
            m -> {
              throw new IllegalStateException(
                  "the registry's event stream ended: "
                      + m.failure()
                      + "; restarting the controller to follow it again");
            })
        .onSignal(
            PostStop.class,
            s -> {
              runner.stopped();
              killSwitch.shutdown();
              return Behaviors.same();
            })
        .onSignal(
            PreRestart.class,
            s -> {
              killSwitch.shutdown();
              return Behaviors.same();
            })
        .build();
  }

  private void askModel(String model) {
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout),
        (reply, failure) -> {
          if (failure != null) {
            return new ModelReadFailed(model, String.valueOf(failure.getMessage()));
          }
          return reply instanceof ModelReply.Current current
              ? new ModelRead(model, current.model())
              : new ModelReadFailed(model, String.valueOf(reply));
        });
  }

  @SuppressWarnings("unchecked")
  private Behavior<ControllerCommand> onData(Data d) {
    if (d.response() instanceof Replicator.Changed<?> c) {
      Object data = c.dataValue();
      if (c.key().equals(ReplicaDirectoryKey.KEY)) {
        live = new HashMap<>(((LWWMap<String, ReplicaInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.NODES)) {
        nodes = new HashMap<>(((LWWMap<String, NodeInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.DRAINING)) {
        draining = new HashSet<>(((ORSet<String>) data).getElements());
      }
      scheduleRound();
    }
    return Behaviors.same();
  }

  /**
   * A member that left or was downed: forget its directory entries so nobody routes or places
   * there.
   */
  private Behavior<ControllerCommand> onMembers(Members m) {
    if (m.event() instanceof ClusterEvent.MemberRemoved removed) {
      String address = removed.member().address().toString();
      Duration settle = settings.settleAfterRemoval();
      runner.run(decisions.memberRemoved(address, live, System.nanoTime(), settle.toMillis()));
      timers.startSingleTimer("settled-" + address, new Round(), settle.plusMillis(50));
    }
    scheduleRound();
    return Behaviors.same();
  }

  private void scheduleRound() {
    if (!timers.isTimerActive(ROUND)) {
      timers.startSingleTimer(ROUND, new Round(), settings.debounce());
    }
  }

  private Behavior<ControllerCommand> round() {
    Snapshot snapshot =
        new Snapshot(
            List.copyOf(models.values()),
            live,
            nodes,
            draining,
            Snapshot.standings(Cluster.get(ctx.getSystem()).state()));
    runner.pending(live);
    runner.run(decisions.round(snapshot, System.nanoTime(), System.currentTimeMillis()));
    return Behaviors.same();
  }

  private Behavior<ControllerCommand> writeDraining(
      String what, String address, boolean add, ActorRef<DrainReply> replyTo) {
    var write =
        add
            ? directories.addDraining(address, settings.drainWriteTimeout())
            : directories.removeDraining(address, settings.drainWriteTimeout());
    ctx.pipeToSelf(
        write,
        (reply, failure) ->
            failure == null
                ? new DrainWritten(what, reply, replyTo)
                : new DrainWriteFailed(what, address, failure, replyTo));
    return Behaviors.same();
  }

  private Behavior<ControllerCommand> onDrainWritten(DrainWritten m) {
    if (m.reply() instanceof DrainReply.WrittenLocally) {
      ctx.getLog()
          .info(
              "{} of {} is written locally but no majority confirmed it within {} ms; gossip spreads it",
              m.what(),
              m.reply().address(),
              settings.drainWriteTimeout().toMillis());
    } else if (m.reply() instanceof DrainReply.Failed f) {
      ctx.getLog().warn("{} of {} failed: {}", m.what(), f.address(), f.reason());
    } else {
      ctx.getLog().info("{} of {} written", m.what(), m.reply().address());
    }
    m.replyTo().tell(m.reply());
    return Behaviors.same();
  }
}
