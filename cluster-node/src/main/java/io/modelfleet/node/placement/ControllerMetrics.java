package io.modelfleet.node.placement;

import io.modelfleet.ops.Ops;
import io.modelfleet.ops.metrics.NodeMetrics;
import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;

/**
 * What the deployment controller reports to the node's metrics, when they are on: the actions it
 * carries out, the moves and failovers it decides ({@link Action.Count}), the PENDING replicas of
 * the directory it reads, and the registry events of the journal stream it follows. An event is
 * counted when it was persisted after this controller started, so the stream's replay of older
 * events (from the beginning, on every start) counts nothing twice.
 */
final class ControllerMetrics {
  private final Optional<NodeMetrics> metrics;
  private final long sinceMillis;

  private ControllerMetrics(Optional<NodeMetrics> metrics, long sinceMillis) {
    this.metrics = metrics;
    this.sinceMillis = sinceMillis;
  }

  static ControllerMetrics of(ActorSystem<?> system) {
    return new ControllerMetrics(
        Ops.get(system).find(NodeMetrics.class), System.currentTimeMillis());
  }

  /** One action carried out (a {@link Action.Log} is none). */
  void ran(Action action) {
    metrics.ifPresent(
        m -> {
          if (action instanceof Action.Count c) {
            if (c.what() == Action.Counted.MOVE) {
              m.placement().moved();
            } else {
              m.placement().failedOver();
            }
          } else if (!(action instanceof Action.Log)) {
            m.placement().decided(name(action));
          }
        });
  }

  /** The PENDING replicas of the directory, by model. */
  void pending(Map<String, ReplicaInfo> live) {
    metrics.ifPresent(
        m -> {
          Map<String, Integer> byModel = new TreeMap<>();
          for (ReplicaInfo r : live.values()) {
            if (r.state() == ReplicaState.PENDING) {
              byModel.merge(r.model(), 1, Integer::sum);
            }
          }
          m.placement().pending(byModel);
        });
  }

  /** The controller stopped here: its PENDING gauge goes (the next controller reports its own). */
  void stopped() {
    metrics.ifPresent(m -> m.placement().pending(Map.of()));
  }

  /** One envelope of the registry's journal stream. */
  void journal(EventEnvelope env) {
    if (metrics.isPresent()
        && env.timestamp() >= sinceMillis
        && env.event() instanceof ModelEvent e) {
      metrics.get().registryEvents().persisted(event(e));
    }
  }

  static String event(ModelEvent e) {
    if (e instanceof ModelEvent.VersionRegistered) {
      return "version_registered";
    }
    if (e instanceof ModelEvent.DeploymentSet) {
      return "deployment_set";
    }
    if (e instanceof ModelEvent.DeploymentRemoved) {
      return "deployment_removed";
    }
    if (e instanceof ModelEvent.ReplicaPlaced) {
      return "replica_placed";
    }
    if (e instanceof ModelEvent.AliasSet) {
      return "alias_set";
    }
    if (e instanceof ModelEvent.AliasRemoved) {
      return "alias_removed";
    }
    if (e instanceof ModelEvent.ValidationSet) {
      return "validation_set";
    }
    if (e instanceof ModelEvent.DeploymentScaled) {
      return "deployment_scaled";
    }
    if (e instanceof ModelEvent.RolloutStarted) {
      return "rollout_started";
    }
    if (e instanceof ModelEvent.RolloutStepStarted) {
      return "rollout_step_started";
    }
    if (e instanceof ModelEvent.RolloutFinished f) {
      // promoted, rolled_back or aborted: an automatic rollback is worth an alert of its own.
      return "rollout_" + f.outcome().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof ModelEvent.RolloutEvent) {
      return "rollout_changed";
    }
    return "other";
  }

  static String name(Action a) {
    if (a instanceof Action.Start) {
      return "start";
    }
    if (a instanceof Action.PlaceAndStart) {
      return "place_and_start";
    }
    if (a instanceof Action.RecordLocation) {
      return "record_location";
    }
    if (a instanceof Action.Retire) {
      return "retire";
    }
    if (a instanceof Action.PublishPending) {
      return "publish_pending";
    }
    if (a instanceof Action.RemoveReplicaEntry) {
      return "remove_replica_entry";
    }
    if (a instanceof Action.RemoveNodeEntry) {
      return "remove_node_entry";
    }
    if (a instanceof Action.Leave) {
      return "leave";
    }
    return "other";
  }
}
