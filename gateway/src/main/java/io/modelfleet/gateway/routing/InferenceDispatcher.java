package io.modelfleet.gateway.routing;

import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.protocol.model.AliasTarget;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferReply.InferFailure;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Sends one inference to a READY replica and brings back its answer, within the request's deadline.
 *
 * <p>The hot path reads only the current {@link RoutingTable}: no registry call, no lock. The
 * registry is asked only when nothing is READY, to tell "unknown model" (404) from "not ready"
 * (503).
 *
 * <p>A request for an alias goes to the version the alias resolves to ({@link AliasResolution}), or
 * for the alias's canary share to its canary, with the canary's server errors answered by the
 * alias's version; a share of the alias's version's requests is copied to its shadow ({@link
 * TrafficSplit}, {@link Mirror}). A request naming a version is never split. Replicas are chosen,
 * and a failed attempt retried on another replica of the same version, by {@link ReplicaAttempts}.
 * A request for an autoscaled version scaled to zero waits for a replica in {@link ColdStart}.
 */
public final class InferenceDispatcher {

  private static final Logger log = LoggerFactory.getLogger(InferenceDispatcher.class);

  private final ExecutionContextExecutor executor;
  private final ReplicaDirectory directory;
  private final RegistryClient registry;
  private final Duration inferTimeout;
  private final ReplicaAttempts attempts;
  private final TrafficSplit traffic;
  private final Mirror mirror;

  /** Where requests for a version scaled to zero wait for a replica (autoscaling). */
  private final ColdStart coldStart;

  public InferenceDispatcher(
      ActorSystem<?> system,
      ReplicaDirectory directory,
      ReplicaChooser chooser,
      NodeHealth health,
      RegistryClient registry,
      Duration inferTimeout,
      Duration firstAttemptTimeout) {
    this(
        system,
        directory,
        chooser,
        health,
        registry,
        inferTimeout,
        firstAttemptTimeout,
        new TrafficSplit(TrafficSplit.RANDOM),
        sender -> Mirror.NONE);
  }

  /**
   * {@code traffic} applies aliases' splits; {@code mirror} is made once from the sender of copies
   * (to a Ready replica of a version, never watched for a client leaving).
   */
  public InferenceDispatcher(
      ActorSystem<?> system,
      ReplicaDirectory directory,
      ReplicaChooser chooser,
      NodeHealth health,
      RegistryClient registry,
      Duration inferTimeout,
      Duration firstAttemptTimeout,
      TrafficSplit traffic,
      Function<Mirror.Sender, Mirror> mirror) {
    this.executor = system.executionContext();
    this.directory = directory;
    this.registry = registry;
    this.inferTimeout = inferTimeout;
    this.attempts =
        new ReplicaAttempts(system, directory, chooser, health, inferTimeout, firstAttemptTimeout);
    this.traffic = traffic;
    this.mirror = mirror.apply(this::sendCopy);
    this.coldStart = new ColdStart(system, executor, directory, registry);
  }

  /** What sends and compares shadow copies. */
  public Mirror mirror() {
    return mirror;
  }

  /** The dispatcher's executor, for callers that must not continue on a replying thread. */
  public ExecutionContextExecutor executor() {
    return executor;
  }

  /**
   * Runs {@code request} on {@code model}; {@code version} null means the highest version with a
   * READY replica. Gateway-side failures come back as {@link InferFailure} too (404, 503, 504).
   */
  public CompletionStage<InferReply> infer(String model, String version, InferRequest request) {
    return infer(model, version, request, ClientGone.NEVER);
  }

  /**
   * As above; when {@code gone} fires before the answer, the replica is told to drop the request if
   * it is still queued ({@link ReplicaCommand.Cancel}) and the answer is a 499 nobody reads.
   */
  public CompletionStage<InferReply> infer(
      String model, String version, InferRequest request, ClientGone gone) {
    RoutingTable table = directory.current();
    String target = version;
    List<ReplicaInfo> ready = version == null ? List.of() : table.ready(model, version);
    if (ready.isEmpty()) {
      // A version with Ready replicas is never an alias (they never share a name): aliases cost
      // nothing on that path, and one lookup of the model's known aliases on this one.
      var aliases =
          table.readyCount(model) > 0 ? registry.aliases(model) : Map.<String, AliasTarget>of();
      if (!aliases.isEmpty()) {
        var resolved =
            AliasResolution.resolve(model, version, aliases, v -> table.isReady(model, v));
        if (resolved.unavailable() != null) {
          return done(new InferFailure(503, resolved.unavailable()));
        }
        target = resolved.version();
        AliasTarget alias = aliases.get(version == null ? AliasResolution.STABLE : version);
        if (TrafficSplit.splits(alias) && target != null) {
          return split(model, target, alias, request, gone);
        }
      }
      target = target != null ? target : table.defaultVersion(model);
      ready = target == null ? List.of() : table.ready(model, target);
    }
    if (ready.isEmpty()) {
      return noReadyReplica(model, version, request, gone, table);
    }
    return attempts.send(
        model, target, ready, request, System.nanoTime() + inferTimeout.toNanos(), gone, true);
  }

  /** A shadow copy: to a Ready replica of {@code version}, by {@code deadline}. */
  private CompletionStage<InferReply> sendCopy(
      String model, String version, InferRequest request, long deadline) {
    List<ReplicaInfo> ready = directory.current().ready(model, version);
    if (ready.isEmpty()) {
      return done(
          new InferFailure(
              503, "model '" + model + "' version '" + version + "' has no Ready replica"));
    }
    return attempts.send(model, version, ready, request, deadline, ClientGone.NEVER, false);
  }

  /**
   * A request for an alias that splits its traffic ({@link TrafficSplit}): to the canary for its
   * share (falling back on {@code serving}, the version the alias resolves to, when the canary
   * fails it with a server error), else to {@code serving}, copied to the shadow for its share.
   */
  private CompletionStage<InferReply> split(
      String model, String serving, AliasTarget alias, InferRequest request, ClientGone gone) {
    RoutingTable table = directory.current();
    Predicate<String> isReady = v -> table.isReady(model, v);
    long deadline = System.nanoTime() + inferTimeout.toNanos();
    String canary = traffic.canary(alias, serving, isReady);
    if (canary != null) {
      return canary(model, canary, serving, request, deadline, gone);
    }
    List<ReplicaInfo> ready = table.ready(model, serving);
    if (ready.isEmpty()) {
      return noReadyReplica(model, serving, request, gone, table);
    }
    CompletionStage<InferReply> reply =
        attempts.send(model, serving, ready, request, deadline, gone, true);
    String shadow = traffic.shadow(alias, serving, serving, isReady);
    if (shadow != null) {
      mirror.mirror(model, serving, shadow, request, reply, deadline);
    }
    return reply;
  }

  /**
   * Sends to the canary within a share of the deadline ({@link ReplicaAttempts#attemptBudget}, as
   * if another replica could answer), and when the canary fails with a server error ({@link
   * TrafficSplit#retryOnStable}), does not answer in time, or cannot be reached, once more to
   * {@code stable} within what is left: the caller gets that answer. The canary's replica has
   * counted its failure in its own statistics, which the rollout analysis reads.
   */
  private CompletionStage<InferReply> canary(
      String model,
      String canary,
      String stable,
      InferRequest request,
      long deadline,
      ClientGone gone) {
    long canaryDeadline =
        System.nanoTime()
            + ReplicaAttempts.attemptBudget(
                    deadline - System.nanoTime(), true, attempts.firstAttemptTimeout())
                .toNanos();
    return attempts
        .send(
            model,
            canary,
            directory.current().ready(model, canary),
            request,
            canaryDeadline,
            gone,
            false)
        .handle(
            (r, e) -> {
              boolean failed =
                  e != null
                      || (r instanceof InferFailure f && TrafficSplit.retryOnStable(f.status()));
              List<ReplicaInfo> ready =
                  failed ? directory.current().ready(model, stable) : List.of();
              if (ready.isEmpty() || gone.isGone()) {
                return e == null ? done(r) : CompletableFuture.<InferReply>failedFuture(e);
              }
              log.debug(
                  "model '{}' canary version '{}' failed ({}); sending to version '{}'",
                  model,
                  canary,
                  e != null ? ErrorHandling.unwrap(e).toString() : ((InferFailure) r).error(),
                  stable);
              return attempts.send(model, stable, ready, request, deadline, gone, true);
            })
        .thenCompose(Function.identity());
  }

  /**
   * Asks the registry why nothing is Ready. Reading the model also teaches this gateway its
   * aliases: a request for an alias it did not know yet (set through another node) is routed once
   * more.
   */
  private CompletionStage<InferReply> noReadyReplica(
      String model, String version, InferRequest request, ClientGone gone, RoutingTable table) {
    var joined =
        coldStart.joinOrNull(model, version, request, () -> infer(model, version, request, gone));
    if (joined != null) {
      return joined;
    }
    return registry
        .view(model)
        .thenCompose(
            view -> {
              if (!view.exists()) {
                return done(new InferFailure(404, RegistryClient.notRegistered(model)));
              }
              String name = version == null ? AliasResolution.STABLE : version;
              if (view.aliases().containsKey(name)) {
                RoutingTable now = directory.current();
                var resolved =
                    AliasResolution.resolve(
                        model, version, view.aliases(), v -> now.isReady(model, v));
                if (resolved.unavailable() != null) {
                  // Nothing serves the alias: its target may be scaled to zero.
                  var woken =
                      coldStart.wakeOrNull(
                          view,
                          view.aliases().get(name).version(),
                          request,
                          now,
                          () -> infer(model, version, request, gone));
                  return woken != null
                      ? woken
                      : done(new InferFailure(503, resolved.unavailable()));
                }
                AliasTarget alias = view.aliases().get(name);
                if (TrafficSplit.splits(alias) && now.isReady(model, resolved.version())) {
                  return split(model, resolved.version(), alias, request, gone);
                }
                return infer(model, resolved.version(), request, gone);
              }
              if (version != null && !view.versions().containsKey(version)) {
                return done(new InferFailure(404, Readiness.unknownVersion(view, version)));
              }
              var woken =
                  coldStart.wakeOrNull(
                      view, version, request, table, () -> infer(model, version, request, gone));
              if (woken != null) {
                return woken;
              }
              return done(new InferFailure(503, Readiness.notReady(view, table, version)));
            });
  }

  private static CompletionStage<InferReply> done(InferReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
