package io.modelfleet.gateway.oip;

import com.typesafe.config.Config;
import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.ModelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Server readiness ({@code GET /v2/health/ready}), in one of two modes ({@code
 * modelfleet.gateway.readiness}).
 *
 * <pre>
 * mode     ready when                                                         registry asked
 * node     this node is an Up member, its gateway is bound (it answers), and  only until the first
 *          it has received the replica directory, or no model is deployed    directory arrives
 * strict   this node is an Up member and every deployed model has at least    every probe
 *          one READY replica somewhere (Triton's meaning)
 * </pre>
 *
 * Node mode is the default because readiness decides whether a load balancer (a Kubernetes Service)
 * sends this pod traffic. Any gateway can route a request to a replica on any node, so whether this
 * gateway can serve does not depend on where, or whether, one model is placed: in strict mode a
 * single deployment that can never be placed (device gpu on a CPU-only cluster) takes every pod out
 * of the Service, and then no model is served at all. Per-model readiness stays at {@code
 * /v2/models/{m}/ready}. A node that is joining, leaving or exiting is not ready, so traffic moves
 * away before it stops. Before its first copy of the replica directory a restarted gateway would
 * answer 503 to every inference, so it is not ready then either, unless the registry says nothing
 * is deployed (a fresh cluster writes no directory at all).
 */
public final class HealthCheck {

  /** What {@code GET /v2/health/ready} means. */
  public enum Mode {
    NODE,
    STRICT;

    /** Reads {@code modelfleet.gateway.readiness} ("node" or "strict"). */
    public static Mode fromConfig(Config root) {
      String value = root.getString("modelfleet.gateway.readiness");
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "node" -> NODE;
        case "strict" -> STRICT;
        default ->
            throw new IllegalArgumentException(
                "modelfleet.gateway.readiness must be node or strict, got '" + value + "'");
      };
    }
  }

  private final Cluster cluster;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;
  private final Mode mode;

  public HealthCheck(
      ActorSystem<?> system, RegistryClient registry, ReplicaDirectory directory, Mode mode) {
    this.cluster = Cluster.get(system);
    this.registry = registry;
    this.directory = directory;
    this.mode = mode;
  }

  /** Empty when ready, else the sentence naming what is not. */
  public CompletionStage<Optional<String>> problem() {
    MemberStatus status = cluster.selfMember().status();
    if (!status.equals(MemberStatus.up())) {
      return CompletableFuture.completedFuture(
          Optional.of("this node's cluster membership is " + status + ", not Up"));
    }
    if (mode == Mode.NODE && directory.received()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return registry
        .all()
        .thenApply(
            views ->
                mode == Mode.NODE ? withoutDirectory(views) : strict(views, directory.current()))
        .exceptionally(
            t ->
                Optional.of(
                    "the model registry could not be read: "
                        + ErrorHandling.unwrap(t).getMessage()));
  }

  /** Node mode before the replica directory arrived: ready only if nothing is deployed. */
  static Optional<String> withoutDirectory(List<ModelView> views) {
    long deployed = views.stream().filter(v -> !v.deployments().isEmpty()).count();
    if (deployed == 0) {
      return Optional.empty();
    }
    return Optional.of(
        "this node has not yet received the replica directory, so it cannot route to the "
            + deployed
            + " deployed model(s)");
  }

  /**
   * Strict mode: every deployed model has a READY replica, except one whose deployments are all
   * scaled to zero (autoscaling): it wakes on its first request.
   */
  static Optional<String> strict(List<ModelView> views, RoutingTable table) {
    List<String> notReady = new ArrayList<>();
    for (ModelView view : views) {
      boolean wanted = view.deployments().values().stream().anyMatch(d -> d.replicas() > 0);
      if (wanted && table.readyCount(view.name()) == 0) {
        notReady.add(Readiness.notReady(view, table, null));
      }
    }
    return notReady.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notReady));
  }
}
