package io.modelfleet.gateway.routing;

import com.typesafe.config.Config;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Requests for a version scaled to zero wait here instead of failing (Knative's activator, inside
 * the gateway): the first one asks the registry for one replica ({@code Scale} from 0 to 1, which
 * the registry applies once however many gateways ask), and every request for the version waits
 * until this gateway's routing table shows a Ready replica, each bounded by its own deadline: the
 * request's {@code timeout} parameter, else {@code modelfleet.gateway.cold-start-timeout}.
 *
 * <p>Only the first request of a burst reads the registry (the dispatcher's usual read when nothing
 * is Ready); the others find the version warming here and join it. One poller per warming version
 * looks at the routing table (local memory) every {@code load-poll-interval} until a replica is
 * Ready or the longest deadline of its waiters has passed. Thread-safe: request threads join, the
 * scheduler polls.
 */
public final class ColdStart {
  private static final Logger log = LoggerFactory.getLogger(ColdStart.class);

  /** Who the history names for a scale-up from zero (the same as the autoscaler's changes). */
  static final String PRINCIPAL = "modelfleet-autoscaler";

  /** A version being woken: its waiters share one signal; {@code until} is the longest wait. */
  private static final class Warming {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    volatile long until;

    Warming(long until) {
      this.until = until;
    }

    synchronized void extend(long deadline) {
      until = Math.max(until, deadline);
    }
  }

  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final ReplicaDirectory directory;
  private final RegistryClient registry;
  private final Duration timeout;
  private final Duration poll;
  private final ConcurrentHashMap<String, Warming> warming = new ConcurrentHashMap<>();

  ColdStart(
      ActorSystem<?> system,
      ExecutionContextExecutor executor,
      ReplicaDirectory directory,
      RegistryClient registry) {
    Config c = system.settings().config().getConfig("modelfleet.gateway");
    this.scheduler = system.scheduler();
    this.executor = executor;
    this.directory = directory;
    this.registry = registry;
    this.timeout = c.getDuration("cold-start-timeout");
    this.poll = c.getDuration("load-poll-interval");
  }

  /**
   * The autoscaled deployment a request for {@code version} wakes (null: the unversioned route,
   * which wakes the model's only deployment), or null when there is none to wake.
   */
  static DeploymentSpec wakes(ModelView view, String version) {
    DeploymentSpec d;
    if (version != null) {
      d = view.deployments().get(version);
    } else if (view.deployments().size() == 1) {
      d = view.deployments().values().iterator().next();
    } else {
      d = null;
    }
    return d != null && d.autoscaled() ? d : null;
  }

  /**
   * Joins a warm-up going on here for the version (no registry read); null when there is none.
   * {@code route} routes the request once a replica is Ready.
   */
  CompletionStage<InferReply> joinOrNull(
      String model,
      String version,
      InferRequest request,
      Supplier<CompletionStage<InferReply>> route) {
    Duration wait = waitOf(request.timeoutMicros());
    CompletionStage<Boolean> joined = join(model, version, wait);
    return joined == null ? null : then(joined, model, version, wait, route);
  }

  /**
   * Wakes the autoscaled deployment the request names when it has no Ready replica because it is
   * scaled to zero or still loading (not when its replicas FAILED: waiting would only delay the
   * 503); null when there is nothing to wake.
   */
  CompletionStage<InferReply> wakeOrNull(
      ModelView view,
      String version,
      InferRequest request,
      RoutingTable table,
      Supplier<CompletionStage<InferReply>> route) {
    DeploymentSpec d = wakes(view, version);
    if (d == null
        || (d.replicas() > 0
            && table.replicas(view.name(), d.version()).stream()
                .anyMatch(r -> r.state() == ReplicaState.FAILED))) {
      return null;
    }
    Duration wait = waitOf(request.timeoutMicros());
    return then(await(view.name(), d, wait), view.name(), d.version(), wait, route);
  }

  private static CompletionStage<InferReply> then(
      CompletionStage<Boolean> ready,
      String model,
      String version,
      Duration wait,
      Supplier<CompletionStage<InferReply>> route) {
    return ready.thenCompose(
        ok ->
            ok
                ? route.get()
                : CompletableFuture.completedFuture(
                    new InferReply.InferFailure(503, timedOut(model, version, wait))));
  }

  /** How long a request may wait for a cold start: its own timeout when shorter. */
  Duration waitOf(long requestTimeoutMicros) {
    Duration own = Duration.ofNanos(requestTimeoutMicros * 1000);
    return requestTimeoutMicros > 0 && own.compareTo(timeout) < 0 ? own : timeout;
  }

  /**
   * Joins the version's warm-up when one is going on here (without reading the registry), else
   * null.
   */
  CompletionStage<Boolean> join(String model, String version, Duration wait) {
    Warming w = version == null ? null : warming.get(key(model, version));
    return w == null ? null : waitFor(w, wait);
  }

  /**
   * Waits until {@code d}'s version has a Ready replica here, asking the registry to scale it from
   * zero first when it is at zero; completes with false when {@code wait} passes first.
   */
  CompletionStage<Boolean> await(String model, DeploymentSpec d, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    String key = key(model, d.version());
    boolean[] created = {false};
    Warming w =
        warming.computeIfAbsent(
            key,
            k -> {
              created[0] = true;
              return new Warming(deadline);
            });
    if (created[0]) {
      if (d.replicas() == 0) {
        scaleUp(model, d.version());
      }
      poll(key, model, d.version(), w);
    }
    return waitFor(w, wait);
  }

  private CompletionStage<Boolean> waitFor(Warming w, Duration wait) {
    w.extend(System.nanoTime() + wait.toNanos());
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    w.ready.whenComplete((v, e) -> mine.complete(e == null));
    if (!mine.isDone()) {
      scheduler.scheduleOnce(wait, () -> mine.complete(false), executor);
    }
    return mine;
  }

  private void scaleUp(String model, String version) {
    log.info("model '{}' version '{}' is scaled to zero; asking for a replica", model, version);
    RequestMeta meta =
        new RequestMeta(
            PRINCIPAL,
            null,
            "cold start: a request arrived while scaled to zero; one replica to serve it");
    registry
        .scale(model, version, 0, 1, meta)
        .whenComplete(
            (view, e) -> {
              if (e != null) {
                log.warn("cold start of model '{}' version '{}': {}", model, version, e.toString());
              }
            });
  }

  private void poll(String key, String model, String version, Warming w) {
    if (directory.current().isReady(model, version)) {
      warming.remove(key, w);
      w.ready.complete(null);
    } else if (System.nanoTime() - w.until > 0) {
      warming.remove(key, w);
      w.ready.completeExceptionally(new IllegalStateException("no Ready replica in time"));
    } else {
      scheduler.scheduleOnce(poll, () -> poll(key, model, version, w), executor);
    }
  }

  /** The answer past the deadline, naming the cold start. */
  static String timedOut(String model, String version, Duration waited) {
    return "model '"
        + model
        + "' version '"
        + version
        + "' is scaled to zero and no replica became Ready within its cold start of "
        + waited.toMillis()
        + " ms (modelfleet.gateway.cold-start-timeout, or the request's timeout parameter);"
        + " a replica is loading: try again";
  }

  private static String key(String model, String version) {
    return model + "/" + version;
  }
}
