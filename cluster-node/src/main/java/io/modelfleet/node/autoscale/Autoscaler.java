package io.modelfleet.node.autoscale;

import io.modelfleet.node.autoscale.ScalingDecision.Change;
import io.modelfleet.node.autoscale.ScalingDecision.Outcome;
import io.modelfleet.node.autoscale.ScalingDecision.Pending;
import io.modelfleet.node.cluster.ModelChanges;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.load.LoadProbe;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.RequestMeta;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Sizes autoscaled deployments (cluster singleton on the workers). A thin actor: {@link LoadWindow}
 * turns the probes' counters into figures, {@link ScalingDecision} decides, and this actor sends
 * the registry a {@link ModelCommand.Scale} (principal {@value #PRINCIPAL}, the numbers as reason),
 * which the registry journals as {@code DeploymentScaled}; the deployment controller then starts or
 * retires replicas as for any change of the count (retiring drains: a replica answers what it
 * accepted before it stops).
 *
 * <p>Knows: every model with an autoscaled deployment (it follows the registry's tagged event
 * stream, as the deployment controller does), every node's load probe (receptionist), and per
 * deployment what is pending. Every interval it decides on the last complete round of readings and
 * asks every probe for the next; a round some probe did not answer is left out rather than read as
 * zero load. At most one Scale per deployment is in flight. Its state is soft: after a fail-over it
 * reads everything again, and decides once it has a whole window of readings.
 */
public final class Autoscaler {

  /** Who the history names for the autoscaler's decisions (and for a gateway's cold start). */
  public static final String PRINCIPAL = "modelfleet-autoscaler";

  /** The autoscaler's own messages. */
  public sealed interface Command {}

  private record ModelChanged(String model) implements Command {}

  private record ModelRead(String model, ModelView view) implements Command {}

  private record ModelReadFailed(String model, String why) implements Command {}

  private record Probes(Set<ActorRef<LoadProbe>> probes) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Reading(long round, NodeLoad load) implements Command {}

  private record ReadingFailed(long round) implements Command {}

  /** The registry answered a Scale: its view of the model, or why not (null view). */
  private record Scaled(String key, String model, ModelView view, String failure)
      implements Command {}

  private record StreamEnded(Throwable failure) implements Command {}

  /** Starts the singleton on the workers (a proxy elsewhere) when enabled. */
  public static void start(ActorSystem<?> system, EventsByTagQuery journal, Duration askTimeout) {
    AutoscalerSettings settings = AutoscalerSettings.fromConfig(system.settings().config());
    if (!settings.enabled()) {
      return;
    }
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(create(journal, settings, askTimeout), "autoscaler")
                .withSettings(
                    ClusterSingletonSettings.create(system).withRole(ClusterKeys.ROLE_WORKER)));
  }

  /** Restarts (with backoff) on failure: a singleton that stopped would scale nothing. */
  public static Behavior<Command> create(
      EventsByTagQuery journal, AutoscalerSettings settings, Duration askTimeout) {
    return Behaviors.supervise(
            Behaviors.<Command>setup(
                ctx -> new Autoscaler(ctx, settings, askTimeout).start(journal)))
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  private final ActorContext<Command> ctx;
  private final AutoscalerSettings settings;
  private final Duration askTimeout;
  private final LoadWindow window;
  private final Map<String, ModelView> models = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Set<String> scaling = new HashSet<>();
  private Set<ActorRef<LoadProbe>> probes = Set.of();
  private long round;
  private int expected;
  private boolean roundFailed;
  private final Map<String, NodeLoad> answers = new HashMap<>();

  private Autoscaler(ActorContext<Command> ctx, AutoscalerSettings settings, Duration askTimeout) {
    this.ctx = ctx;
    this.settings = settings;
    this.askTimeout = askTimeout;
    this.window = new LoadWindow(settings.rounds());
  }

  private Behavior<Command> start(EventsByTagQuery journal) {
    ctx.getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                LoadProbe.KEY,
                ctx.messageAdapter(
                    Receptionist.Listing.class,
                    l -> new Probes(Set.copyOf(l.getServiceInstances(LoadProbe.KEY))))));
    var self = ctx.getSelf();
    var stream =
        ModelChanges.follow(
            journal,
            ctx.getSystem(),
            env -> {},
            env -> true,
            model -> self.tell(new ModelChanged(model)));
    ctx.pipeToSelf(stream.second(), (done, failure) -> new StreamEnded(failure));
    ctx.getLog()
        .info(
            "Autoscaler started: reading load every {} ms over a {} ms window",
            settings.interval().toMillis(),
            settings.window().toMillis());
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
          return running(stream.first());
        });
  }

  private Behavior<Command> running(UniqueKillSwitch killSwitch) {
    return Behaviors.receive(Command.class)
        .onMessage(ModelChanged.class, m -> readModel(m.model()))
        .onMessage(ModelRead.class, m -> learn(m.model(), m.view()))
        .onMessage(
            ModelReadFailed.class,
            m -> {
              ctx.getLog().warn("Autoscaler cannot read model {}: {}", m.model(), m.why());
              return Behaviors.same();
            })
        .onMessage(
            Probes.class,
            m -> {
              probes = m.probes();
              return Behaviors.same();
            })
        .onMessage(Tick.class, m -> tick())
        .onMessage(
            Reading.class,
            m -> {
              if (m.round() == round) {
                answers.put(m.load().node(), m.load());
              }
              return Behaviors.same();
            })
        .onMessage(
            ReadingFailed.class,
            m -> {
              roundFailed |= m.round() == round;
              return Behaviors.same();
            })
        .onMessage(
            Scaled.class,
            m -> {
              scaling.remove(m.key());
              if (m.view() == null) {
                ctx.getLog().warn("Autoscaler: {}", m.failure());
                return Behaviors.same();
              }
              return learn(m.model(), m.view());
            })
        .onMessage(
            StreamEnded.class,
            m -> {
              throw new IllegalStateException(
                  "the registry's event stream ended ("
                      + m.failure()
                      + "); restarting the autoscaler to follow it again");
            })
        .onSignal(PostStop.class, s -> stop(killSwitch))
        .onSignal(PreRestart.class, s -> stop(killSwitch))
        .build();
  }

  private Behavior<Command> stop(UniqueKillSwitch killSwitch) {
    killSwitch.shutdown();
    return Behaviors.same();
  }

  private Behavior<Command> readModel(String model) {
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(ModelCommand.GetModel::new, askTimeout),
        (reply, failure) ->
            reply instanceof ModelReply.Current c
                ? new ModelRead(model, c.model())
                : new ModelReadFailed(model, failure != null ? failure.toString() : "" + reply));
    return Behaviors.same();
  }

  /** Keeps only models with an autoscaled deployment: nothing else is the autoscaler's. */
  private Behavior<Command> learn(String model, ModelView view) {
    if (view.deployments().values().stream().anyMatch(DeploymentSpec::autoscaled)) {
      models.put(model, view);
    } else {
      models.remove(model);
    }
    pending.keySet().removeIf(k -> k.startsWith(model + "/") && !autoscaled(k));
    return Behaviors.same();
  }

  private boolean autoscaled(String key) {
    int slash = key.indexOf('/');
    ModelView v = models.get(key.substring(0, slash));
    DeploymentSpec d = v == null ? null : v.deployments().get(key.substring(slash + 1));
    return d != null && d.autoscaled();
  }

  /** Decides on the round that just ended (when complete), then asks every probe again. */
  private Behavior<Command> tick() {
    if (round > 0 && !roundFailed && expected > 0 && answers.size() >= expected) {
      window.add(answers.values());
      if (window.warm()) {
        decideAll();
      }
    } else if (round > 0 && expected > 0) {
      ctx.getLog()
          .debug("Autoscaler round {}: {} of {} probes answered", round, answers.size(), expected);
    }
    round++;
    answers.clear();
    roundFailed = false;
    expected = models.isEmpty() ? 0 : probes.size();
    if (expected == 0) {
      return Behaviors.same();
    }
    long r = round;
    Duration timeout = settings.interval();
    for (ActorRef<LoadProbe> probe : probes) {
      ctx.ask(
          NodeLoad.class,
          probe,
          timeout,
          replyTo -> new LoadProbe.Read(null, replyTo),
          (load, failure) -> load != null ? new Reading(r, load) : new ReadingFailed(r));
    }
    return Behaviors.same();
  }

  private void decideAll() {
    long now = System.nanoTime() / 1_000_000;
    for (ModelView view : models.values()) {
      for (DeploymentSpec d : view.deployments().values()) {
        if (!d.autoscaled()) {
          continue;
        }
        String key = LoadWindow.key(view.name(), d.version());
        LoadFigures figures = window.figures(view.name(), d.version());
        Outcome o =
            ScalingDecision.decide(d.autoscaling(), d.replicas(), figures, pending.get(key), now);
        pending.put(key, o.pending());
        if (o.change().isPresent() && scaling.add(key)) {
          scale(view.name(), d.version(), o.change().get(), key);
        }
      }
    }
  }

  private void scale(String model, String version, Change c, String key) {
    ctx.getLog()
        .info(
            "Scaling {} version {} from {} to {}: {}",
            model,
            version,
            c.from(),
            c.to(),
            c.reason());
    RequestMeta meta = new RequestMeta(PRINCIPAL, null, c.reason());
    ctx.pipeToSelf(
        ClusterSharding.get(ctx.getSystem())
            .entityRefFor(ModelCommand.TYPE_KEY, model)
            .<ModelReply>ask(
                replyTo -> new ModelCommand.Scale(version, c.from(), c.to(), meta, replyTo),
                askTimeout),
        (reply, failure) ->
            reply instanceof ModelReply.Current current
                ? new Scaled(key, model, current.model(), null)
                : new Scaled(
                    key,
                    model,
                    null,
                    "scaling "
                        + key
                        + " failed: "
                        + (failure != null ? failure.toString() : String.valueOf(reply))));
  }
}
