package io.modelfleet.node;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Joins the cluster through pekko-management cluster bootstrap, configured by {@link
 * BootstrapSettings#pekkoOverrides()}. Bootstrap polls discovery for contact points and probes each
 * one's management endpoint: if any is already in a cluster, it joins that cluster through the seed
 * nodes it reports; if none is and the required number have answered, the one with the lowest
 * address forms a new cluster and the others join it.
 */
final class BootstrapJoin {
  private BootstrapJoin() {}

  static void start(ActorSystem<?> system) {
    // Management first: peers probe its /bootstrap/seed-nodes, and bootstrap learns this node's
    // own contact point from it. A port already in use must stop the node, not leave it outside
    // every cluster, so wait for the binding.
    try {
      PekkoManagement.get(system)
          .start()
          .toCompletableFuture()
          .get(
              NodeTimeouts.fromConfig(system.settings().config()).bindTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "the pekko-management endpoint for cluster bootstrap could not bind "
              + "(modelfleet.cluster.management, MODELFLEET_MANAGEMENT_PORT): "
              + e.getMessage(),
          e);
    }
    ClusterBootstrap.get(system).start();
  }
}
