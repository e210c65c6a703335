package io.modelfleet.node.rollout;

import com.typesafe.config.Config;
import io.modelfleet.node.cluster.Directories;
import io.modelfleet.node.cluster.ModelChanges;
import io.modelfleet.node.rollout.RolloutMessage.Decided;
import io.modelfleet.node.rollout.RolloutMessage.Directory;
import io.modelfleet.node.rollout.RolloutMessage.ModelChanged;
import io.modelfleet.node.rollout.RolloutMessage.ModelRead;
import io.modelfleet.node.rollout.RolloutMessage.ModelReadFailed;
import io.modelfleet.node.rollout.RolloutMessage.ProbeAnswered;
import io.modelfleet.node.rollout.RolloutMessage.Probes;
import io.modelfleet.node.rollout.RolloutMessage.Resync;
import io.modelfleet.node.rollout.RolloutMessage.StreamEnded;
import io.modelfleet.node.rollout.RolloutMessage.Tick;
import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.protocol.load.LoadProbe;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutLive;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Drives every rollout (cluster singleton on the workers). A thin actor: {@link RolloutJudge}
 * decides, the registry records (each decision is a command to the model's entity, whose events
 * move the alias's split), and this actor measures and asks.
 *
 * <p>Knows: the models with an unfinished rollout (it follows the registry's tagged event stream,
 * so a replay after a fail-over finds them again), the candidate's replicas (replica directory) and
 * every node's load probe (receptionist). Every {@code tick} it looks at each rollout; when a
 * rollout's analysis interval has passed it asks every probe for the model's counters, and a
 * complete round (every probe answered, or the next round is due) gives the window's numbers: per
 * node the reading now minus the reading at the window's start (see {@link WindowNumbers}). The
 * window starts with each step, and afresh when the controller starts (the step's elapsed time
 * comes from the step's event, so a fail-over costs the step only its window's samples, and the
 * next decision says so).
 *
 * <p>Publishes its last measurement of each active rollout in Distributed Data ({@link
 * RolloutLive#KEY}), which every gateway reads locally for {@code GET .../rollouts}: no request
 * crosses to the singleton, and the numbers outlive a fail-over until the new controller measures.
 */
public final class RolloutController {

  /** The principal of the controller's decisions in the history. */
  static final String PRINCIPAL = "modelfleet-rollouts";

  public static Behavior<RolloutMessage> create(
      EventsByTagQuery journal, Config config, Duration askTimeout) {
    RolloutSettings settings = RolloutSettings.fromConfig(config);
    return Behaviors.supervise(behavior(journal, settings, askTimeout))
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2));
  }

  private static Behavior<RolloutMessage> behavior(
      EventsByTagQuery journal, RolloutSettings settings, Duration askTimeout) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  @SuppressWarnings({"unchecked", "rawtypes"})
                  ActorRef<Replicator.SubscribeResponse<LWWMap<String, ReplicaInfo>>> adapter =
                      (ActorRef)
                          ctx.messageAdapter(Replicator.SubscribeResponse.class, Directory::new);
                  DistributedData.get(ctx.getSystem())
                      .replicator()
                      .tell(new Replicator.Subscribe<>(ReplicaDirectoryKey.KEY, adapter));
                  ctx.getSystem()
                      .receptionist()
                      .tell(
                          Receptionist.subscribe(
                              LoadProbe.KEY,
                              ctx.messageAdapter(Receptionist.Listing.class, Probes::new)));
                  var self = ctx.getSelf();
                  var stream =
                      ModelChanges.follow(
                          journal,
                          ctx.getSystem(),
                          env -> {},
                          env -> env.event() instanceof ModelEvent.RolloutEvent,
                          model -> self.tell(new ModelChanged(model)));
                  ctx.pipeToSelf(
                      stream.second(),
                      (done, failure) ->
                          new StreamEnded(failure == null ? "completed" : failure.toString()));
                  timers.startTimerWithFixedDelay(new Tick(), settings.tick());
                  timers.startTimerWithFixedDelay(new Resync(), settings.resyncInterval());
                  return new RolloutController(ctx, settings, askTimeout).running(stream.first());
                }));
  }

  private final ActorContext<RolloutMessage> ctx;
  private final RolloutSettings settings;
  private final Duration askTimeout;
  private final RolloutJudge judge;
  private final LiveNumbers live;
  private final Instant startedAt = Instant.now();
  private final String address;
  private final Map<String, ModelView> views = new HashMap<>();
  private final Map<String, Tracker> trackers = new HashMap<>();
  private final Set<String> reading = new HashSet<>();
  private final Set<String> stale = new HashSet<>();
  private Map<String, ReplicaInfo> replicas = Map.of();
  private Set<ActorRef<LoadProbe>> probes = Set.of();

  private RolloutController(
      ActorContext<RolloutMessage> ctx, RolloutSettings settings, Duration askTimeout) {
    this.ctx = ctx;
    this.settings = settings;
    this.askTimeout = askTimeout;
    this.judge = new RolloutJudge(settings.retireDelay(), settings.inconclusiveAfter());
    this.live = new LiveNumbers(new Directories(ctx.getSystem()));
    this.address = Cluster.get(ctx.getSystem()).selfMember().address().toString();
  }

  private Behavior<RolloutMessage> running(UniqueKillSwitch killSwitch) {
    ctx.getLog().info("Rollout controller started on {}", address);
    return Behaviors.receive(RolloutMessage.class)
        .onMessage(
            ModelChanged.class,
            m -> {
              read(m.model());
              return Behaviors.same();
            })
        .onMessage(ModelRead.class, this::onModelRead)
        .onMessage(
            ModelReadFailed.class,
            m -> {
              reading.remove(m.model());
              ctx.getLog().warn("Cannot read model {}: {}", m.model(), m.why());
              return Behaviors.same();
            })
        .onMessage(Directory.class, this::onDirectory)
        .onMessage(
            Probes.class,
            m -> {
              probes = m.listing().getServiceInstances(LoadProbe.KEY);
              return Behaviors.same();
            })
        .onMessage(
            Resync.class,
            m -> {
              Set.copyOf(views.keySet()).forEach(this::read);
              return Behaviors.same();
            })
        .onMessage(Tick.class, m -> onTick())
        .onMessage(ProbeAnswered.class, this::onProbeAnswered)
        .onMessage(Decided.class, this::onDecided)
        .onMessage(
            StreamEnded.class,
            m -> {
              throw new IllegalStateException(
                  "the registry's event stream ended ("
                      + m.why()
                      + "); restarting the rollout controller to follow it again");
            })
        .onSignal(
            PostStop.class,
            s -> {
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

  private void read(String model) {
    if (!reading.add(model)) {
      stale.add(model);
      return;
    }
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout),
        (reply, failure) -> {
          if (failure != null) {
            return new ModelReadFailed(model, String.valueOf(failure.getMessage()));
          }
          return reply instanceof ModelReply.Current c
              ? new ModelRead(model, c.model())
              : new ModelReadFailed(model, String.valueOf(reply));
        });
  }

  private Behavior<RolloutMessage> onModelRead(ModelRead m) {
    reading.remove(m.model());
    learn(m.model(), m.view());
    if (stale.remove(m.model())) {
      read(m.model());
    }
    return Behaviors.same();
  }

  /** Keeps {@code view} while it has an unretired rollout. */
  private void learn(String model, ModelView view) {
    boolean open = view.rollouts().stream().anyMatch(r -> !r.retired());
    if (open) {
      views.put(model, view);
    } else {
      views.remove(model);
    }
    trackers
        .values()
        .removeIf(
            t -> {
              if (!t.model.equals(model)) {
                return false;
              }
              boolean done = view.rollout(t.id).map(Rollout::retired).orElse(true);
              if (done) {
                live.remove(model, t.id);
              }
              return done;
            });
  }

  @SuppressWarnings("unchecked")
  private Behavior<RolloutMessage> onDirectory(Directory d) {
    if (d.response() instanceof Replicator.Changed<?> c) {
      replicas = new HashMap<>(((LWWMap<String, ReplicaInfo>) c.dataValue()).getEntries());
    }
    return Behaviors.same();
  }

  private Behavior<RolloutMessage> onTick() {
    Instant now = Instant.now();
    for (ModelView view : views.values()) {
      for (Rollout r : view.rollouts()) {
        if (r.retired()) {
          continue;
        }
        Tracker t = tracker(view.name(), r);
        t.follow(r);
        if (t.inFlight) {
          continue;
        }
        if (r.state() == RolloutState.PROGRESSING && r.step() >= 0) {
          Duration interval = Duration.ofMillis(r.spec().analysis().intervalMillis());
          if (t.roundDue(now, interval)) {
            if (t.roundOpen()) {
              // Someone did not answer within the interval: judge on the others.
              judge(view, r, t, t.close(r, now), now);
            }
            startRound(view.name(), r, t, now);
          }
        } else {
          judge(view, r, t, null, now);
        }
      }
    }
    return Behaviors.same();
  }

  private Tracker tracker(String model, Rollout r) {
    return trackers.computeIfAbsent(
        RolloutLive.entry(model, r.id()),
        k -> {
          Tracker t = new Tracker(model, r.id());
          if (r.state().active() && r.startedAt().isBefore(startedAt)) {
            t.note =
                " (analysis window restarted at "
                    + startedAt.truncatedTo(ChronoUnit.SECONDS)
                    + ": the rollout controller took over on "
                    + address
                    + ")";
          }
          return t;
        });
  }

  private void startRound(String model, Rollout r, Tracker t, Instant now) {
    if (probes.isEmpty()) {
      return;
    }
    long round = t.openRound(now, probes.size());
    String key = RolloutLive.entry(model, r.id());
    Duration timeout = Duration.ofMillis(Math.max(200, r.spec().analysis().intervalMillis()));
    for (ActorRef<LoadProbe> probe : probes) {
      ctx.ask(
          LoadProbe.NodeLoad.class,
          probe,
          timeout,
          replyTo -> new LoadProbe.Read(model, replyTo),
          (reply, failure) -> new ProbeAnswered(key, round, failure == null ? reply : null));
    }
  }

  private Behavior<RolloutMessage> onProbeAnswered(ProbeAnswered m) {
    Tracker t = trackers.get(m.key());
    ModelView view = t == null ? null : views.get(t.model);
    Rollout r = view == null ? null : view.rollout(t.id).orElse(null);
    if (r == null) {
      return Behaviors.same();
    }
    // A round of a step the rollout has left is dropped with its window.
    t.follow(r);
    if (t.answer(m.round(), m.load()) && !t.inFlight) {
      Instant now = Instant.now();
      judge(view, r, t, t.close(r, now), now);
    }
    return Behaviors.same();
  }

  private void judge(ModelView view, Rollout r, Tracker t, RolloutWindow window, Instant now) {
    Verdict v = judge.judge(r, Readiness.of(replicas, view, r), window, now);
    live.publish(view.name(), r, t, window, v);
    if (v.waits()) {
      return;
    }
    String why = v.why() + (v.change() == RolloutChange.RETIRE ? "" : t.takeNote());
    ctx.getLog()
        .info(
            "Rollout {} of {} (version {}): {} - {}",
            r.id(),
            view.name(),
            r.spec().version(),
            v.change(),
            why);
    t.inFlight = true;
    String key = RolloutLive.entry(view.name(), r.id());
    String model = view.name();
    RequestMeta meta = new RequestMeta(PRINCIPAL, null, why);
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(
                replyTo ->
                    new ModelCommand.ChangeRollout(
                        r.id(), v.change(), r.step(), window, meta, replyTo),
                askTimeout),
        (reply, failure) ->
            new Decided(model, key, reply, failure == null ? null : failure.toString()));
  }

  private Behavior<RolloutMessage> onDecided(Decided m) {
    Tracker t = trackers.get(m.key());
    if (t != null) {
      t.inFlight = false;
    }
    if (m.reply() instanceof ModelReply.Current c) {
      learn(m.model(), c.model());
    } else {
      ctx.getLog()
          .warn(
              "The registry did not take a rollout decision for {}: {}",
              m.key(),
              m.failure() != null ? m.failure() : m.reply());
    }
    return Behaviors.same();
  }
}
