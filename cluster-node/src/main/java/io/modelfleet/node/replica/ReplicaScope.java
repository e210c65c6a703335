package io.modelfleet.node.replica;

import io.modelfleet.node.device.Device;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaId;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;

/**
 * What every state of one replica incarnation shares: who it is, its collaborators, its statistics,
 * and the two things every state ends with, publishing itself and leaving. Owned by one actor and
 * used only on its thread; the states hold their changing data in records of their own.
 */
final class ReplicaScope {

  /**
   * How a leaving replica ends: for good (retired, so remember-entities forgets it) or stopped by
   * sharding.
   */
  enum Departure {
    PASSIVATE,
    STOP;

    /** Sharding's stop wins: once it asked, the entity must stop rather than wait for it again. */
    Departure and(Departure other) {
      return this == STOP || other == STOP ? STOP : PASSIVATE;
    }
  }

  final ActorContext<ReplicaCommand> ctx;
  final TimerScheduler<ReplicaCommand> timers;
  final ReplicaId id;

  /** This incarnation's entity id: the slot's id, plus the generation after a move. */
  final String entityId;

  final ReplicaContext rc;
  final ModelRegistry registry;
  final StatsRecorder stats;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final DirectoryPublisher directory;

  ReplicaScope(
      ActorContext<ReplicaCommand> ctx,
      TimerScheduler<ReplicaCommand> timers,
      String entityId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ReplicaContext rc,
      ModelRegistry registry) {
    this.ctx = ctx;
    this.timers = timers;
    this.entityId = entityId;
    this.id = ReplicaId.parse(entityId);
    this.rc = rc;
    this.registry = registry;
    this.shard = shard;
    this.directory = new DirectoryPublisher(ctx.getSystem());
    this.stats = new StatsRecorder(id.model(), id.version());
  }

  Logger log() {
    return ctx.getLog();
  }

  /** A replica that is not serving yet: its last failure, device and version stay visible. */
  void publish(ReplicaState state, LoadHistory h) {
    publish(state, h.device().orElse(null), h.reason().orElse(null), h.version().orElse(null));
  }

  /** A replica that opened its session: no failure to show. */
  void publish(ReplicaState state, Device device, VersionInfo version) {
    publish(state, device, null, version);
  }

  private void publish(ReplicaState state, Device device, String reason, VersionInfo version) {
    directory.publish(
        new ReplicaInfo(
            entityId,
            id.model(),
            id.version(),
            rc.nodeAddress(),
            device == null ? null : device.id(),
            state,
            reason,
            ctx.getSelf(),
            System.currentTimeMillis(),
            version == null ? 0 : Footprint.estimate(version.size())));
  }

  Behavior<ReplicaCommand> refuse(ReplicaCommand.Infer m, ReplicaState state) {
    m.replyTo().tell(InferReply.InferFailure.leaving("replica " + entityId + " is " + state));
    return Behaviors.same();
  }

  Behavior<ReplicaCommand> onGetStats(ReplicaCommand.GetStats m) {
    m.replyTo().tell(stats.snapshot());
    return Behaviors.same();
  }

  void logRetiring(String why) {
    log().info("Replica {} retiring: {}", entityId, why);
  }

  /**
   * Closes the session, gives back the device memory reserved for it (see DeviceInventory) and
   * removes the directory entry, then stops or, when retiring, passivates.
   */
  Behavior<ReplicaCommand> leave(
      Departure how, Optional<ModelSession> session, Optional<Device> device, long reserved) {
    session.ifPresent(ModelSession::close);
    if (reserved > 0) {
      rc.devices().adjustReserved(device.orElseThrow().id(), -reserved);
    }
    directory.remove(entityId);
    if (how == Departure.STOP) {
      return Behaviors.stopped();
    }
    // Passivation removes the entity from remember-entities, so it does not come back on restart;
    // sharding then sends Shutdown, which stops it.
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return passivating();
  }

  /** Left the directory and asked sharding to passivate it: waits for sharding's Shutdown. */
  private Behavior<ReplicaCommand> passivating() {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(ReplicaCommand.Shutdown.class, m -> Behaviors.stopped())
        .onMessage(
            ReplicaCommand.Infer.class,
            m -> {
              m.replyTo()
                  .tell(InferReply.InferFailure.leaving("replica " + entityId + " is stopping"));
              return Behaviors.same();
            })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }
}
