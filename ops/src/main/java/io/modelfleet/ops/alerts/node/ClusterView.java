package io.modelfleet.ops.alerts.node;

import io.modelfleet.ops.alerts.AlertBoard;
import io.modelfleet.ops.alerts.AlertSettings;
import io.modelfleet.ops.alerts.MemberProblem;
import io.modelfleet.ops.alerts.QueueReading;
import io.modelfleet.ops.alerts.Readings;
import io.modelfleet.ops.alerts.ReplicaSignals;
import io.modelfleet.ops.alerts.drift.DriftMonitor;
import io.modelfleet.ops.window.ModelWindows;
import io.modelfleet.protocol.alerts.DriftReset;
import io.modelfleet.protocol.alerts.NodeAlerts;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the evaluator reads from the cluster, kept current between rounds in its actor: the replica
 * directory, this node's published devices, the alert map (handed to the {@link AlertBoard}), the
 * drift-reference resets (applied to the {@link DriftMonitor}), and the max_queue_size of the
 * deployments served here (asked of the registry, refreshed every {@code deployment-refresh}). Used
 * only on the evaluator's thread.
 */
final class ClusterView {

  /** A Distributed Data notification, for any of the subscribed keys. */
  record Data(Replicator.SubscribeResponse<?> response) implements AlertEvaluator.Command {}

  /** The registry's deployments of a model: max_queue_size per version. */
  record LimitsRead(String model, Map<String, Integer> limits) implements AlertEvaluator.Command {}

  record LimitsFailed(String model) implements AlertEvaluator.Command {}

  /** How long a registry read of a deployment may take. */
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  private record Limits(Map<String, Integer> byVersion, Instant at) {}

  private final ActorContext<AlertEvaluator.Command> ctx;
  private final AlertBoard board;
  private final DriftMonitor drift;
  private final AlertSettings settings;
  private final long startedAtMillis = System.currentTimeMillis();
  private Map<String, ReplicaInfo> replicas = Map.of();
  private Map<String, NodeInfo> nodes = Map.of();
  private final Map<String, Long> resetsApplied = new HashMap<>();
  private final Map<String, Limits> limits = new HashMap<>();
  private final Set<String> asking = new HashSet<>();

  private ClusterView(
      ActorContext<AlertEvaluator.Command> ctx,
      AlertBoard board,
      DriftMonitor drift,
      AlertSettings settings) {
    this.ctx = ctx;
    this.board = board;
    this.drift = drift;
    this.settings = settings;
  }

  static ClusterView start(
      ActorContext<AlertEvaluator.Command> ctx,
      AlertBoard board,
      DriftMonitor drift,
      AlertSettings settings) {
    // One adapter for every key: an actor has one message adapter per message class, so a second
    // adapter for SubscribeResponse would replace the first.
    @SuppressWarnings({"unchecked", "rawtypes"})
    ActorRef<Replicator.SubscribeResponse> adapter =
        ctx.messageAdapter(Replicator.SubscribeResponse.class, Data::new);
    var replicator = DistributedData.get(ctx.getSystem()).replicator();
    subscribe(replicator, ClusterKeys.ALERTS, adapter);
    if (settings.enabled()) {
      subscribe(replicator, ReplicaDirectoryKey.KEY, adapter);
      subscribe(replicator, ClusterKeys.NODES, adapter);
      subscribe(replicator, ClusterKeys.DRIFT_RESETS, adapter);
    }
    return new ClusterView(ctx, board, drift, settings);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void subscribe(
      ActorRef<Replicator.Command> replicator,
      Key<?> key,
      ActorRef<Replicator.SubscribeResponse> adapter) {
    replicator.tell(new Replicator.Subscribe(key, (ActorRef) adapter));
  }

  /** Takes a message that is not the evaluator's tick. */
  @SuppressWarnings("unchecked")
  void onMessage(AlertEvaluator.Command m) {
    if (m instanceof Data d && d.response() instanceof Replicator.Changed<?> c) {
      Object data = c.dataValue();
      if (c.key().equals(ClusterKeys.ALERTS)) {
        board.replace(((LWWMap<String, NodeAlerts>) data).getEntries());
      } else if (c.key().equals(ReplicaDirectoryKey.KEY)) {
        replicas = Map.copyOf(((LWWMap<String, ReplicaInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.NODES)) {
        nodes = Map.copyOf(((LWWMap<String, NodeInfo>) data).getEntries());
      } else if (c.key().equals(ClusterKeys.DRIFT_RESETS)) {
        applyResets(((LWWMap<String, DriftReset>) data).getEntries());
      }
    } else if (m instanceof LimitsRead r) {
      asking.remove(r.model());
      limits.put(r.model(), new Limits(r.limits(), Instant.now()));
    } else if (m instanceof LimitsFailed f) {
      asking.remove(f.model());
    }
  }

  /** A reset newer than this node's start and than the last one applied drops the reference. */
  private void applyResets(Map<String, DriftReset> resets) {
    resets.forEach(
        (model, reset) -> {
          long at = reset.requestedAtMillis();
          if (at > startedAtMillis && at > resetsApplied.getOrDefault(model, 0L)) {
            resetsApplied.put(model, at);
            drift.reset(model);
            ctx.getLog()
                .info(
                    "Drift reference of model {} dropped at the request of {}; the next sampled"
                        + " outputs become the new reference",
                    model,
                    reset.principal());
          }
        });
  }

  /** One round's readings. */
  Readings readings(
      Instant now,
      String self,
      ModelWindows windows,
      ReplicaSignals signals,
      boolean leader,
      List<MemberProblem> problems) {
    List<QueueReading> queues = List.of();
    if (settings.queue().enabled()) {
      if (settings.queueAbsoluteLimit() == 0) {
        refreshLimits(signals.servedModels(), now);
      }
      queues = signals.takeQueuePeaks(this::limit);
    }
    NodeInfo mine = nodes.get(self);
    List<DeviceInfo> devices = mine == null ? List.of() : mine.devices();
    return new Readings(
        now,
        self,
        windows.snapshot(),
        queues,
        drift.readings(),
        devices,
        leader,
        leader ? List.copyOf(replicas.values()) : List.of(),
        leader ? problems : List.of());
  }

  private int limit(String model, String version) {
    if (settings.queueAbsoluteLimit() > 0) {
      return settings.queueAbsoluteLimit();
    }
    Limits l = limits.get(model);
    return l == null ? 0 : l.byVersion().getOrDefault(version, 0);
  }

  private void refreshLimits(List<String> models, Instant now) {
    for (String model : models) {
      Limits l = limits.get(model);
      boolean stale = l == null || !now.isBefore(l.at().plus(settings.deploymentRefresh()));
      if (stale && asking.add(model)) {
        ask(model);
      }
    }
  }

  private void ask(String model) {
    try {
      ctx.pipeToSelf(
          ClusterSharding.get(ctx.getSystem())
              .entityRefFor(ModelCommand.TYPE_KEY, model)
              .<ModelReply>ask(ModelCommand.GetModel::new, ASK_TIMEOUT),
          (reply, failure) -> {
            if (reply instanceof ModelReply.Current c) {
              Map<String, Integer> byVersion = new HashMap<>();
              for (Map.Entry<String, DeploymentSpec> d : c.model().deployments().entrySet()) {
                byVersion.put(d.getKey(), d.getValue().batching().maxQueueSize());
              }
              return new LimitsRead(model, byVersion);
            }
            return new LimitsFailed(model);
          });
    } catch (RuntimeException e) {
      // The registry's sharding is not started on this node (yet); asked again next round.
      asking.remove(model);
    }
  }
}
