package io.modelfleet.node.placement;

import io.modelfleet.node.cluster.Directories;
import io.modelfleet.node.replica.ReplicaStarter;
import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;

/**
 * Carries out the deployment controller's {@link Action}s, in order, on the controller's thread.
 * Knows how, never whether: directory writes go through {@link Directories}, shard locations
 * through sharding's external allocation client, starts through each worker's {@link
 * ReplicaStarter}. A start that waits for its shard location comes back to the controller as a
 * message, so that it too runs on the controller's thread.
 */
final class ActionRunner {
  private final ActorContext<ControllerCommand> ctx;
  private final Directories directories;
  private final ExternalShardAllocationClient shardLocations;
  private final BiFunction<String, Assignment, ControllerCommand> located;
  private final BiFunction<String, Throwable, ControllerCommand> notLocated;
  private final ControllerMetrics metrics;

  /** The replica starter of each worker, by node address. */
  private Map<String, ActorRef<ReplicaStarter.Start>> starters = Map.of();

  /**
   * @param located the controller's message that a shard location was set (then {@link #start})
   * @param notLocated the controller's message that setting it failed
   */
  ActionRunner(
      ActorContext<ControllerCommand> ctx,
      Directories directories,
      BiFunction<String, Assignment, ControllerCommand> located,
      BiFunction<String, Throwable, ControllerCommand> notLocated) {
    this.ctx = ctx;
    this.directories = directories;
    this.shardLocations =
        ExternalShardAllocation.get(ctx.getSystem()).getClient(ReplicaCommand.TYPE_KEY.name());
    this.located = located;
    this.notLocated = notLocated;
    this.metrics = ControllerMetrics.of(ctx.getSystem());
  }

  /** The replica starters the receptionist lists now. */
  void starters(Receptionist.Listing listing) {
    String self = Cluster.get(ctx.getSystem()).selfMember().address().toString();
    Map<String, ActorRef<ReplicaStarter.Start>> byNode = new HashMap<>();
    for (ActorRef<ReplicaStarter.Start> ref : listing.getServiceInstances(ReplicaStarter.KEY)) {
      var address = ref.path().address();
      byNode.put(address.hasGlobalScope() ? address.toString() : self, ref);
    }
    starters = byNode;
  }

  void run(List<Action> actions) {
    actions.forEach(this::run);
  }

  /** Reports the PENDING replicas of the directory {@code live} to the node's metrics. */
  void pending(Map<String, ReplicaInfo> live) {
    metrics.pending(live);
  }

  /** The controller stopped: what it reported as PENDING is no longer its to report. */
  void stopped() {
    metrics.stopped();
  }

  private void run(Action action) {
    metrics.ran(action);
    if (action instanceof Action.Count) {
      return;
    }
    if (action instanceof Action.Log log) {
      if (log.warning()) {
        ctx.getLog().warn(log.line());
      } else {
        ctx.getLog().info(log.line());
      }
    } else if (action instanceof Action.Start s) {
      start(s.entityId(), s.at());
    } else if (action instanceof Action.PlaceAndStart p) {
      directories.putPlacement(
          new ReplicaPlacement(p.entityId(), p.at().nodeAddress(), p.at().deviceId()));
      ctx.pipeToSelf(
          shardLocations.setShardLocation(
              p.entityId(), AddressFromURIString.parse(p.at().nodeAddress())),
          (done, failure) ->
              failure == null
                  ? located.apply(p.entityId(), p.at())
                  : notLocated.apply(p.entityId(), failure));
    } else if (action instanceof Action.RecordLocation r) {
      shardLocations.setShardLocation(
          r.entityId(), AddressFromURIString.parse(r.at().nodeAddress()));
    } else if (action instanceof Action.Retire r) {
      r.replica().ref().tell(new ReplicaCommand.Retire(r.reason()));
    } else if (action instanceof Action.PublishPending p) {
      directories.putReplica(p.info());
    } else if (action instanceof Action.RemoveReplicaEntry r) {
      directories.removeReplica(r.replicaId());
    } else if (action instanceof Action.RemoveNodeEntry r) {
      directories.removeNode(r.address());
    } else if (action instanceof Action.Leave l) {
      Cluster.get(ctx.getSystem())
          .manager()
          .tell(Leave.create(AddressFromURIString.parse(l.address())));
      directories.forgetDrained(l.address());
    } else {
      throw new IllegalStateException("no runner for " + action);
    }
  }

  /**
   * Starts (or keeps alive) a replica entity, from the node it should run on when that node is
   * known.
   */
  void start(String entityId, Assignment a) {
    ReplicaPlacement placement = new ReplicaPlacement(entityId, a.nodeAddress(), a.deviceId());
    var starter = starters.get(a.nodeAddress());
    if (starter != null) {
      starter.tell(new ReplicaStarter.Start(entityId, placement));
    } else {
      ClusterSharding.get(ctx.getSystem())
          .entityRefFor(ReplicaCommand.TYPE_KEY, entityId)
          .tell(new ReplicaCommand.EnsureStarted(placement));
    }
  }
}
