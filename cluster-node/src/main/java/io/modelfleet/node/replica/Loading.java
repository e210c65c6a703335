package io.modelfleet.node.replica;

import io.modelfleet.node.device.Device;
import io.modelfleet.node.replica.ReplicaMessage.ArtifactReplaced;
import io.modelfleet.node.replica.ReplicaMessage.NotDeployed;
import io.modelfleet.node.replica.ReplicaMessage.PlacementRead;
import io.modelfleet.node.replica.ReplicaMessage.RetryDue;
import io.modelfleet.node.replica.ReplicaMessage.SessionFailed;
import io.modelfleet.node.replica.ReplicaMessage.SessionOpened;
import io.modelfleet.node.replica.ReplicaMessage.SpecFetched;
import io.modelfleet.node.replica.ReplicaMessage.SpecUnavailable;
import io.modelfleet.node.replica.ReplicaScope.Departure;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ReplicaPlacement;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The states of a replica before it serves, each a behavior with only the messages it accepts:
 *
 * <pre>
 * state               published  on                                   to
 * fetching spec       LOADING    spec fetched                         reading placement
 *                                registry unreadable                  failed
 *                                no deployment wants it               (leaves, passivated)
 * reading placement   LOADING    device chosen                        opening
 *                                GPU wanted, none here                failed
 * opening             LOADING    session open and warm                ready (see {@link Serving})
 *                                open or warm-up failed               failed
 *                                Retire / Shutdown                    opening, DRAINING
 * opening, DRAINING   DRAINING   session open or failed               (leaves)
 * failed              FAILED     backoff elapsed, artifact repaired   fetching spec
 * </pre>
 *
 * A Retire or Shutdown in any state but opening leaves at once: nothing runs that must finish.
 */
final class Loading {

  /** For answers that arrive off the actor's thread; under the replica's log category. */
  private static final Logger PLACEMENT_LOG = LoggerFactory.getLogger(ReplicaEntity.class);

  private final ReplicaScope scope;
  private final Serving serving;

  Loading(ReplicaScope scope, Serving serving) {
    this.scope = scope;
    this.serving = serving;
  }

  /** Enters fetching: publishes LOADING and asks the registry for the version and deployment. */
  Behavior<ReplicaCommand> fetchSpec(LoadHistory h) {
    scope.publish(ReplicaState.LOADING, h);
    scope.ctx.pipeToSelf(
        scope.registry.ask(
            scope.id.model(), ModelCommand.GetModel::new, scope.rc.settings().askTimeout()),
        (reply, failure) ->
            failure != null
                ? new SpecUnavailable(failure.getMessage())
                : reply instanceof ModelReply.Current current
                    ? ReplicaMessage.specOf(current.model(), scope.id.version(), scope.id.index())
                    : new SpecUnavailable(String.valueOf(reply)));
    return fetching(h);
  }

  private Behavior<ReplicaCommand> fetching(LoadHistory h) {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(
            SpecFetched.class,
            m -> readPlacement(h.withVersion(m.version()), m.version(), m.deployment()))
        .onMessage(
            SpecUnavailable.class, m -> failed(h, "cannot read the model registry: " + m.problem()))
        .onMessage(
            NotDeployed.class,
            m -> {
              scope
                  .log()
                  .info("Replica {} is not part of any deployment; retiring", scope.entityId);
              scope.logRetiring("not deployed");
              return leave(h, Departure.PASSIVATE);
            })
        .onMessage(Infer.class, m -> scope.refuse(m, ReplicaState.LOADING))
        .onMessage(Cancel.class, m -> Behaviors.same())
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(EnsureStarted.class, m -> fetching(h.toldBy(m.placement())))
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return leave(h, Departure.PASSIVATE);
            })
        .onMessage(Shutdown.class, m -> leave(h, Departure.STOP))
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  /** Asks this node's replica of the placement map (gossiped by the controller) where to run. */
  private Behavior<ReplicaCommand> readPlacement(
      LoadHistory h, VersionInfo version, DeploymentSpec deployment) {
    CompletionStage<Replicator.GetResponse<LWWMap<String, ReplicaPlacement>>> read =
        AskPattern.ask(
            DistributedData.get(scope.ctx.getSystem()).replicator(),
            (ActorRef<Replicator.GetResponse<LWWMap<String, ReplicaPlacement>>> replyTo) ->
                new Replicator.Get<>(ClusterKeys.PLACEMENTS, Replicator.readLocal(), replyTo),
            scope.rc.settings().askTimeout(),
            scope.ctx.getSystem().scheduler());
    scope.ctx.pipeToSelf(
        read,
        (rsp, failure) ->
            new PlacementRead(
                rsp instanceof Replicator.GetSuccess<?> ok
                    ? Optional.ofNullable(
                        ok.get(ClusterKeys.PLACEMENTS).getEntries().get(scope.entityId))
                    : Optional.empty()));
    return readingPlacement(h, version, deployment);
  }

  private Behavior<ReplicaCommand> readingPlacement(
      LoadHistory h, VersionInfo version, DeploymentSpec deployment) {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(
            PlacementRead.class,
            m -> open(h, version, deployment, h.told().isPresent() ? h.told() : m.placement()))
        .onMessage(Infer.class, m -> scope.refuse(m, ReplicaState.LOADING))
        .onMessage(Cancel.class, m -> Behaviors.same())
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(
            EnsureStarted.class,
            m -> readingPlacement(h.toldBy(m.placement()), version, deployment))
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return leave(h, Departure.PASSIVATE);
            })
        .onMessage(Shutdown.class, m -> leave(h, Departure.STOP))
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  /**
   * Chooses the device (see {@link DeviceChoice}), reports it to the registry and opens the
   * session.
   */
  private Behavior<ReplicaCommand> open(
      LoadHistory h,
      VersionInfo version,
      DeploymentSpec deployment,
      Optional<ReplicaPlacement> placement) {
    Optional<Device> chosen =
        DeviceChoice.choose(
            placement,
            scope.rc.nodeAddress(),
            deployment.device(),
            scope.rc.devices().gpus(),
            scope.id.index());
    if (chosen.isEmpty()) {
      return failed(
          h,
          "the deployment asks for device 'gpu' but this node's device inventory reports no GPU");
    }
    Device device = chosen.get();
    LoadHistory placed = h.withDevice(device);
    scope.publish(ReplicaState.LOADING, placed);
    // The answer arrives on another thread, where the actor's context must not be touched.
    String entityId = scope.entityId;
    scope
        .registry
        .ask(
            scope.id.model(),
            r ->
                new ModelCommand.RecordPlacement(
                    new ReplicaPlacement(scope.entityId, scope.rc.nodeAddress(), device.id()), r),
            scope.rc.settings().askTimeout())
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                PLACEMENT_LOG.warn(
                    "Replica {} could not record its placement: {}", entityId, err.getMessage());
              }
            });
    String clamped = scope.rc.ort().clamped(deployment.session(), deployment.replicas());
    if (clamped != null) {
      scope.log().warn("Replica {}: {}", scope.entityId, clamped);
    }
    scope.ctx.pipeToSelf(
        SessionOpener.open(scope.rc, scope.entityId, scope.id, version, device, deployment),
        (session, failure) ->
            failure == null
                ? new SessionOpened(session)
                : new SessionFailed(
                    causeOf(failure).getMessage(), causeOf(failure) instanceof ValidationFailure));
    return opening(placed, device, version, deployment, Optional.empty());
  }

  private static Throwable causeOf(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  /**
   * The session is being opened on the ORT executor. A Retire or Shutdown now is remembered in
   * {@code leaving} and carried out when the session arrives, which is then closed unused.
   */
  private Behavior<ReplicaCommand> opening(
      LoadHistory h,
      Device device,
      VersionInfo version,
      DeploymentSpec deployment,
      Optional<Departure> leaving) {
    ReplicaState shown = leaving.isPresent() ? ReplicaState.DRAINING : ReplicaState.LOADING;
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(
            SessionOpened.class,
            m ->
                leaving.isPresent()
                    ? scope.leave(leaving.get(), Optional.of(m.session()), Optional.of(device), 0)
                    : serving.ready(device, version, m.session(), deployment))
        .onMessage(
            SessionFailed.class,
            m ->
                leaving.isPresent()
                    ? scope.leave(leaving.get(), Optional.empty(), Optional.of(device), 0)
                    : failedValidation(h, m))
        .onMessage(Infer.class, m -> scope.refuse(m, shown))
        .onMessage(Cancel.class, m -> Behaviors.same())
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(
            EnsureStarted.class,
            m -> opening(h.toldBy(m.placement()), device, version, deployment, leaving))
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return drainWhileOpening(
                  h, device, version, deployment, leaving, Departure.PASSIVATE);
            })
        .onMessage(
            Shutdown.class,
            m -> drainWhileOpening(h, device, version, deployment, leaving, Departure.STOP))
        .onMessage(ArtifactReplaced.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<ReplicaCommand> drainWhileOpening(
      LoadHistory h,
      Device device,
      VersionInfo version,
      DeploymentSpec deployment,
      Optional<Departure> leaving,
      Departure how) {
    if (leaving.isEmpty()) {
      scope.publish(ReplicaState.DRAINING, h);
    }
    return opening(h, device, version, deployment, Optional.of(leaving.map(how::and).orElse(how)));
  }

  /** A failed load; the first failed validation of this start is also written to the history. */
  private Behavior<ReplicaCommand> failedValidation(LoadHistory h, SessionFailed m) {
    if (m.validation() && h.failures() == 0) {
      ValidationFailure.record(scope, m.problem());
    }
    return failed(h, m.problem());
  }

  /** Enters failed: publishes FAILED with the reason and waits out the backoff. */
  private Behavior<ReplicaCommand> failed(LoadHistory h, String why) {
    int attempt = h.failures() + 1;
    Duration wait = scope.rc.settings().backoff(attempt);
    // The reason is shown to clients in /v1/models/{m}: no server paths (ORT quotes the file it
    // opened).
    String reason =
        scope.rc.store().redact(why)
            + " (attempt "
            + attempt
            + ", next retry in "
            + wait.toMillis()
            + " ms)";
    scope.log().warn("Replica {} FAILED: {}", scope.entityId, reason);
    LoadHistory next = h.failedAgain(reason);
    scope.publish(ReplicaState.FAILED, next);
    scope.timers.startSingleTimer(new RetryDue(), wait);
    return waitingToRetry(next);
  }

  private Behavior<ReplicaCommand> waitingToRetry(LoadHistory h) {
    return Behaviors.receive(ReplicaCommand.class)
        .onMessage(RetryDue.class, m -> fetchSpec(h))
        .onMessage(ArtifactReplaced.class, m -> onArtifactReplaced(h, m))
        .onMessage(Infer.class, m -> scope.refuse(m, ReplicaState.FAILED))
        .onMessage(Cancel.class, m -> Behaviors.same())
        .onMessage(GetStats.class, scope::onGetStats)
        .onMessage(EnsureStarted.class, m -> waitingToRetry(h.toldBy(m.placement())))
        .onMessage(
            Retire.class,
            m -> {
              scope.logRetiring(m.reason());
              return leave(h, Departure.PASSIVATE);
            })
        .onMessage(Shutdown.class, m -> leave(h, Departure.STOP))
        .build();
  }

  /**
   * Its artifact's corrupt local copy was just replaced by verified bytes: retry now, not at the
   * end of the backoff.
   */
  private Behavior<ReplicaCommand> onArtifactReplaced(LoadHistory h, ArtifactReplaced m) {
    if (h.version().filter(v -> v.digest().equals(m.digest())).isEmpty()) {
      return Behaviors.same();
    }
    scope.timers.cancel(new RetryDue());
    return fetchSpec(h);
  }

  /** Nothing is open: shows DRAINING where the directory already shows a device, and leaves. */
  private Behavior<ReplicaCommand> leave(LoadHistory h, Departure how) {
    if (h.device().isPresent()) {
      scope.publish(ReplicaState.DRAINING, h);
    }
    return scope.leave(how, Optional.empty(), h.device(), 0);
  }
}
