package io.modelfleet.node.replica;

import io.modelfleet.node.cache.ResponseCache;
import io.modelfleet.node.device.Device;
import io.modelfleet.node.ort.ModelSession;
import io.modelfleet.node.replica.InferencePipeline.ExecutionDone;
import io.modelfleet.node.replica.InferencePipeline.PumpTick;
import io.modelfleet.node.replica.ReplicaMessage.ArtifactReplaced;
import io.modelfleet.node.replica.ReplicaMessage.DrainTimedOut;
import io.modelfleet.node.replica.ReplicaMessage.LingerEnded;
import io.modelfleet.node.replica.ReplicaScope.Departure;
import io.modelfleet.ops.Ops;
import io.modelfleet.ops.observe.ReplicaObserver;
import io.modelfleet.ops.tracing.Tracing;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.Footprint;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaCommand.Cancel;
import io.modelfleet.protocol.replica.ReplicaCommand.EnsureStarted;
import io.modelfleet.protocol.replica.ReplicaCommand.GetStats;
import io.modelfleet.protocol.replica.ReplicaCommand.Infer;
import io.modelfleet.protocol.replica.ReplicaCommand.Retire;
import io.modelfleet.protocol.replica.ReplicaCommand.Shutdown;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The states of a replica with an open session:
 *
 * <pre>
 * state      published  on                                         to
 * ready      READY      Infer                                      ready (queued, batched, run)
 *                       Cancel (client gone)                       ready (dropped if still queued)
 *                       Retire (retire-linger above 0)             lingering
 *                       Retire / Shutdown, nothing in flight       (leaves)
 *                       Retire / Shutdown, requests in flight      draining
 * lingering  DRAINING   Infer                                      lingering (served, as in ready)
 *                       linger over, or Shutdown                   as Retire / Shutdown in ready
 * draining   DRAINING   last in-flight request answered            (leaves)
 *                       drain timeout (queued ones answered 503)   (leaves once no run is left)
 * </pre>
 *
 * Leaving closes the session and returns the device memory reserved for it.
 */
final class Serving {

  /** The session and what was set up around it when it opened. */
  private record Session(
      Device device,
      VersionInfo version,
      ModelSession session,
      InferencePipeline pipeline,
      long reserved) {}

  private final ReplicaScope scope;

  Serving(ReplicaScope scope) {
    this.scope = scope;
  }

  /** Enters ready: reserves the device memory, starts the pipeline and publishes READY. */
  Behavior<ReplicaCommand> ready(
      Device device, VersionInfo version, ModelSession session, DeploymentSpec deployment) {
    long reserved = Footprint.estimate(version.size());
    scope.rc.devices().adjustReserved(device.id(), reserved);
    boolean cacheAsked = deployment.responseCache().enable();
    if (cacheAsked && !scope.rc.responseCache().enabled()) {
      scope
          .log()
          .warn(
              "Replica {} asks for the response cache, but this node has none ({} = 0)",
              scope.entityId,
              ResponseCache.SIZE_KEY);
    }
    InferencePipeline pipeline =
        new InferencePipeline(
            scope.id.model(),
            scope.id.version(),
            device.id(),
            session,
            deployment.batching(),
            deployment.session().runsAtOnce(),
            scope.stats,
            scope.rc.ortExecutor(),
            scope.ctx.getSelf(),
            Ops.get(scope.ctx.getSystem()).find(Tracing.class).orElse(Tracing.OFF),
            scope.entityId,
            ResponseCaching.of(
                scope.rc.responseCache(),
                cacheAsked,
                scope.id.model(),
                scope.id.version(),
                version.digest(),
                device.id(),
                scope.stats));
    scope.stats.observe(
        Ops.get(scope.ctx.getSystem())
            .observers()
            .openReplica(scope.id.model(), scope.id.version(), scope.entityId, device.id()));
    scope.log().info("Replica {} is READY on {}", scope.entityId, device.id());
    scope.publish(ReplicaState.READY, device, version);
    return ready(new Session(device, version, session, pipeline, reserved));
  }

  /** What a replica does while it serves, READY or lingering: runs what arrives. */
  private BehaviorBuilder<ReplicaCommand> serves(Session s) {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(
            Infer.class,
            m -> {
              s.pipeline().submit(m);
              return Behaviors.same();
            })
        .onMessage(
            Cancel.class,
            m -> {
              s.pipeline().cancel(m.replyTo());
              return Behaviors.same();
            })
        .onMessage(
            ExecutionDone.class,
            m -> {
              s.pipeline().done(m);
              return Behaviors.same();
            })
        .onMessage(
            PumpTick.class,
            m -> {
              s.pipeline().pump();
              return Behaviors.same();
            })
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(EnsureStarted.class, m -> Behaviors.same());
  }

  private Behavior<ReplicaCommand> ready(Session s) {
    return serves(s)
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return linger(s);
            })
        .onMessage(Shutdown.class, m -> drain(s, Departure.STOP))
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  /**
   * Retired: shows DRAINING so that gateways stop choosing it, but serves what still arrives until
   * their routing tables have caught up (retire-linger); then drains. Without it, a request routed
   * on a table a moment old reached a replica that had already stopped, and failed.
   */
  private Behavior<ReplicaCommand> linger(Session s) {
    Duration linger = scope.rc.settings().retireLinger();
    if (linger.isZero()) {
      return drain(s, Departure.PASSIVATE);
    }
    scope.publish(ReplicaState.DRAINING, s.device(), s.version());
    scope.timers.startSingleTimer(new LingerEnded(), linger);
    return serves(s)
        .onMessage(Retire.class, m -> Behaviors.same())
        .onMessage(LingerEnded.class, m -> drain(s, Departure.PASSIVATE))
        .onMessage(
            Shutdown.class,
            m -> {
              scope.timers.cancel(new LingerEnded());
              return drain(s, Departure.STOP);
            })
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  /** Publishes DRAINING and leaves once nothing is in flight, or after the drain timeout. */
  private Behavior<ReplicaCommand> drain(Session s, Departure how) {
    scope.publish(ReplicaState.DRAINING, s.device(), s.version());
    if (s.pipeline().outstanding() == 0) {
      return leave(s, how);
    }
    scope.timers.startSingleTimer(new DrainTimedOut(), scope.rc.settings().drainTimeout());
    return draining(s, how);
  }

  /** Queued and running requests finish; new ones are refused, so gateways try another replica. */
  private Behavior<ReplicaCommand> draining(Session s, Departure how) {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(Infer.class, m -> scope.refuse(m, ReplicaState.DRAINING))
        .onMessage(
            Cancel.class,
            m -> {
              s.pipeline().cancel(m.replyTo());
              return s.pipeline().outstanding() == 0 ? leave(s, how) : Behaviors.same();
            })
        .onMessage(
            ExecutionDone.class,
            m -> {
              s.pipeline().done(m);
              return s.pipeline().outstanding() == 0 ? leave(s, how) : Behaviors.same();
            })
        .onMessage(
            PumpTick.class,
            m -> {
              s.pipeline().pump();
              return s.pipeline().outstanding() == 0 ? leave(s, how) : Behaviors.same();
            })
        .onMessage(
            DrainTimedOut.class,
            m -> {
              s.pipeline()
                  .failQueued(
                      "replica " + scope.entityId + " stopped before the request could run");
              // Runs still inside ONNX Runtime finish first: closing the session under them
              // would free memory a native run is using. The last ExecutionDone leaves.
              return s.pipeline().outstanding() == 0 ? leave(s, how) : Behaviors.same();
            })
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(EnsureStarted.class, m -> Behaviors.same())
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return Behaviors.same();
            })
        .onMessage(Shutdown.class, m -> draining(s, how.and(Departure.STOP)))
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<ReplicaCommand> leave(Session s, Departure how) {
    scope.stats.observe(ReplicaObserver.NONE);
    return scope.leave(how, Optional.of(s.session()), Optional.of(s.device()), s.reserved());
  }
}
