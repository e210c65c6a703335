package io.modelfleet.ops.alerts.node;

import io.modelfleet.ops.alerts.ActiveAlert;
import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.ops.alerts.AlertRules;
import io.modelfleet.ops.alerts.AlertSettings;
import io.modelfleet.ops.alerts.Condition;
import io.modelfleet.ops.alerts.Evaluator;
import io.modelfleet.ops.alerts.LostMembers;
import io.modelfleet.ops.alerts.MemberProblem;
import io.modelfleet.ops.alerts.ReplicaSignals;
import io.modelfleet.ops.alerts.Transition;
import io.modelfleet.ops.alerts.drift.DriftMonitor;
import io.modelfleet.ops.alerts.notify.AlertmanagerJson.Notified;
import io.modelfleet.ops.alerts.notify.Notifier;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.alerts.AlertInfo;
import io.modelfleet.protocol.alerts.NodeAlerts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's alert evaluator: every {@code modelfleet.ops.alerts.interval} it gathers one round of
 * readings ({@link ClusterView} for what comes from the cluster), runs the {@link AlertRules} and
 * the {@link Evaluator}, and carries out what changed: a log line per transition, the model's
 * history ({@link HistoryRecorder}), the webhooks ({@link Notifier}), and this node's entry in the
 * cluster's alert map. The cluster rules run only while this node is the Pekko cluster leader
 * (unique, known locally from gossip, and moving on its own when the leader goes), which also
 * removes the alert-map entries of nodes that are gone.
 *
 * <p>Owns the alert state of the node; nobody sends it anything but its timer, the replicator and
 * the answers to its own asks. One state. Runs on its own dispatcher ({@code
 * modelfleet.ops.alerts.dispatcher}), off the default one.
 */
public final class AlertEvaluator {

  /** Its messages, all private. */
  public sealed interface Command
      permits Tick, ClusterView.Data, ClusterView.LimitsRead, ClusterView.LimitsFailed {}

  enum Tick implements Command {
    INSTANCE
  }

  /** The class's own logger: alert transitions are what an operator greps the log for. */
  private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

  private final ActorContext<Command> ctx;
  private final AlertSettings settings;
  private final AlertRules rules;
  private final ModelWindows windows;
  private final ReplicaSignals signals;
  private final DriftMonitor drift;
  private final AlertBoard board;
  private final Notifier notifier;
  private final HistoryRecorder history;
  private final ClusterView view;
  private final LostMembers lost;
  private Map<String, ActiveAlert> alerts = Map.of();
  private List<AlertInfo> published = List.of();
  private Instant lastResend = Instant.EPOCH;

  private AlertEvaluator(
      ActorContext<Command> ctx,
      AlertSettings settings,
      ModelWindows windows,
      ReplicaSignals signals,
      DriftMonitor drift,
      AlertBoard board,
      ClusterView view) {
    this.ctx = ctx;
    this.settings = settings;
    this.rules = new AlertRules(settings);
    this.windows = windows;
    this.signals = signals;
    this.drift = drift;
    this.board = board;
    this.view = view;
    this.notifier = new Notifier(settings.notifications(), settings.externalUrl());
    this.history = new HistoryRecorder(ctx.getSystem());
    this.lost = new LostMembers(settings.lostRetention());
  }

  public static Behavior<Command> create(
      AlertSettings settings,
      ModelWindows windows,
      ReplicaSignals signals,
      DriftMonitor drift,
      AlertBoard board) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ClusterView view = ClusterView.start(ctx, board, drift, settings);
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
                  AlertEvaluator e =
                      new AlertEvaluator(ctx, settings, windows, signals, drift, board, view);
                  return Behaviors.receive(Command.class)
                      .onMessage(Tick.class, t -> e.round())
                      .onAnyMessage(
                          m -> {
                            view.onMessage(m);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private Behavior<Command> round() {
    Instant now = Instant.now();
    Cluster cluster = Cluster.get(ctx.getSystem());
    String self = cluster.selfMember().address().toString();
    CurrentClusterState state = cluster.state();
    boolean leader = cluster.selfMember().address().equals(state.getLeader());
    Set<String> members = new HashSet<>();
    state.getMembers().forEach(m -> members.add(m.address().toString()));
    Set<String> unreachable = new HashSet<>();
    for (Member m : state.getUnreachable()) {
      unreachable.add(m.address().toString());
    }
    List<MemberProblem> problems = lost.update(members, unreachable, now);
    if (leader) {
      Set<String> gone = new HashSet<>(board.nodes());
      gone.removeAll(members);
      board.forget(gone);
    }
    if (!settings.enabled()) {
      return Behaviors.same();
    }
    Evaluator.Evaluation e =
        Evaluator.evaluate(
            alerts,
            rules.conditions(view.readings(now, self, windows, signals, leader, problems)),
            now,
            leader);
    alerts = e.alerts();
    carryOut(e.transitions(), self, now);
    publish(self, now);
    return Behaviors.same();
  }

  private void carryOut(List<Transition> transitions, String self, Instant now) {
    List<Notified> notified = new ArrayList<>(transitions.size());
    for (Transition t : transitions) {
      Condition c = t.alert().condition();
      if (t.kind() == Transition.Kind.FIRED) {
        log.warn("Alert {} firing {}: {}", c.name(), c.labels(), c.reason());
        notified.add(new Notified(info(t.alert(), self, "firing"), "firing", null));
      } else {
        log.info("Alert {} resolved {}: {}", c.name(), c.labels(), c.reason());
        notified.add(new Notified(info(t.alert(), self, "resolved"), "resolved", now));
      }
      history.record(t, self);
    }
    notifier.send(notified);
    if (!settings.notifications().alertmanagers().isEmpty()
        && !now.isBefore(lastResend.plus(settings.notifications().resendInterval()))) {
      lastResend = now;
      List<Notified> firing = new ArrayList<>();
      for (ActiveAlert a : alerts.values()) {
        if (a.firing()) {
          firing.add(new Notified(info(a, self, "firing"), "firing", null));
        }
      }
      notifier.toAlertmanagers(firing);
    }
  }

  /** Writes this node's entry when its alerts changed, or when the map lost it. */
  private void publish(String self, Instant now) {
    List<AlertInfo> infos = new ArrayList<>(alerts.size());
    for (ActiveAlert a : alerts.values()) {
      infos.add(info(a, self, a.firing() ? AlertInfo.FIRING : AlertInfo.PENDING));
    }
    boolean missing = !infos.isEmpty() && !board.nodes().contains(self);
    if (!infos.equals(published) || missing) {
      board.publish(new NodeAlerts(self, infos, now.toEpochMilli()));
      published = infos;
    }
  }

  static AlertInfo info(ActiveAlert a, String node, String state) {
    Condition c = a.condition();
    return new AlertInfo(
        c.name(),
        c.severity(),
        state,
        a.activeAt().toEpochMilli(),
        a.since().toEpochMilli(),
        c.labels(),
        Map.of("summary", c.summary(), "description", c.reason()),
        c.value(),
        node);
  }
}
