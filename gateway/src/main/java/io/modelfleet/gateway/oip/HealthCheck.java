package io.modelfleet.gateway.oip;

import io.modelfleet.gateway.ErrorHandling;
import io.modelfleet.gateway.registry.RegistryClient;
import io.modelfleet.gateway.routing.Readiness;
import io.modelfleet.gateway.routing.ReplicaDirectory;
import io.modelfleet.gateway.routing.RoutingTable;
import io.modelfleet.protocol.model.ModelView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Server readiness with Triton's strict meaning: this node is an Up cluster member and every
 * deployed model can serve (at least one READY replica). A load balancer that reads it will not
 * send traffic to a gateway that would answer 503. It asks the registry, which is fine for a
 * probe but keeps it off the inference path.
 */
public final class HealthCheck {

  private final Cluster cluster;
  private final RegistryClient registry;
  private final ReplicaDirectory directory;

  public HealthCheck(ActorSystem<?> system, RegistryClient registry, ReplicaDirectory directory) {
    this.cluster = Cluster.get(system);
    this.registry = registry;
    this.directory = directory;
  }

  /** Empty when ready, else the sentence naming what is not. */
  public CompletionStage<Optional<String>> problem() {
    MemberStatus status = cluster.selfMember().status();
    if (!status.equals(MemberStatus.up())) {
      return CompletableFuture.completedFuture(
          Optional.of("this node's cluster membership is " + status + ", not Up"));
    }
    return registry.all()
        .thenApply(views -> {
          RoutingTable table = directory.current();
          List<String> notReady = new ArrayList<>();
          for (ModelView view : views) {
            if (!view.deployments().isEmpty() && table.readyCount(view.name()) == 0) {
              notReady.add(Readiness.notReady(view, table, null));
            }
          }
          return notReady.isEmpty() ? Optional.<String>empty() : Optional.of(String.join("; ", notReady));
        })
        .exceptionally(t -> Optional.of("the model registry could not be read: "
            + ErrorHandling.unwrap(t).getMessage()));
  }
}
