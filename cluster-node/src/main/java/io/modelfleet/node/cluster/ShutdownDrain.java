package io.modelfleet.node.cluster;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.service.MemberDrains;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM on a worker drains it first, as {@code POST /v1/cluster/members/{address}/drain} does: a
 * coordinated-shutdown task (phase before-service-unbind, so this node's gateway keeps serving)
 * asks the deployment controller to drain this node, and the controller moves its replicas away
 * make-before-break. The task ends when no replica runs here any more, or at the deadline, and the
 * rest of the shutdown (sharding hand-off of whatever is left, leaving the cluster) follows.
 *
 * <p>Skipped when no other worker is up: there is nowhere to move to (a single node, or the last
 * worker), so the node stops as before.
 */
public final class ShutdownDrain {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);

  private final ActorSystem<?> system;
  private final ShutdownDrainSettings settings;
  private final MemberDrains drains;
  private final String self;

  /** The latest drain ask; a new one is sent only once it has ended. */
  private volatile CompletableFuture<Void> asking = CompletableFuture.completedFuture(null);

  private ShutdownDrain(
      ActorSystem<?> system, ShutdownDrainSettings settings, MemberDrains drains) {
    this.system = system;
    this.settings = settings;
    this.drains = drains;
    this.self = Cluster.get(system).selfMember().address().toString();
  }

  /** Adds the task to this node's coordinated shutdown, unless the settings turn it off. */
  public static void register(
      ActorSystem<?> system, ShutdownDrainSettings settings, MemberDrains drains) {
    if (settings.off()) {
      return;
    }
    ShutdownDrain drain = new ShutdownDrain(system, settings, drains);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "drain-replicas", drain::run);
  }

  private CompletionStage<Done> run() {
    long until = System.nanoTime() + settings.deadline().toNanos();
    return read(ClusterKeys.NODES)
        .thenCompose(
            nodes -> {
              if (!otherWorkerUp(nodes)) {
                LOG.info("Shutdown: no other worker is up, so this node's replicas stop with it");
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              LOG.info(
                  "Shutdown: draining this node's replicas onto the other workers (at most {} s)",
                  settings.deadline().toSeconds());
              // Whatever the answer, the directory shows when the replicas have gone.
              return askToDrain().thenCompose(ignored -> awaitEmpty(until));
            })
        .exceptionally(
            e -> {
              LOG.warn(
                  "Shutdown: draining failed ({}); stopping the replicas here", e.getMessage());
              return Done.getInstance();
            });
  }

  private boolean otherWorkerUp(LWWMap<String, NodeInfo> nodes) {
    if (nodes == null) {
      return false;
    }
    for (Member m : Cluster.get(system).state().getMembers()) {
      String address = m.address().toString();
      NodeInfo info = nodes.getEntries().get(address);
      if (!address.equals(self)
          && m.status() == MemberStatus.up()
          && info != null
          && info.roles() != null
          && info.roles().contains(ClusterKeys.ROLE_WORKER)) {
        return true;
      }
    }
    return false;
  }

  private CompletionStage<Done> awaitEmpty(long until) {
    return read(ReplicaDirectoryKey.KEY)
        .thenCompose(
            dir -> {
              long here =
                  dir == null
                      ? 0
                      : dir.getEntries().values().stream().filter(this::hostedHere).count();
              if (here == 0) {
                LOG.info("Shutdown: no replica runs here any more");
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              if (System.nanoTime() > until) {
                LOG.warn(
                    "Shutdown: {} replicas still here after {} s; stopping them",
                    here,
                    settings.deadline().toSeconds());
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              CompletableFuture<Done> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      settings.pollInterval(),
                      () ->
                          askAgainIfLost()
                              .thenCompose(ignored -> awaitEmpty(until))
                              .whenComplete(
                                  (d, e) -> {
                                    if (e != null) {
                                      later.completeExceptionally(e);
                                    } else {
                                      later.complete(d);
                                    }
                                  }),
                      system.executionContext());
              return later;
            });
  }

  /** Asks the controller to drain this node; completes when it answered or the ask ended. */
  private CompletableFuture<Void> askToDrain() {
    CompletableFuture<Void> asked =
        drains.drain(self).toCompletableFuture().handle((reply, failure) -> (Void) null);
    asking = asked;
    return asked;
  }

  /**
   * The drain is one message to a singleton that may be handing over or restarting: one that was
   * lost would leave the replicas here until the deadline. So while the draining set does not hold
   * this node and no ask is outstanding, ask again (a drain is idempotent).
   */
  private CompletionStage<Void> askAgainIfLost() {
    return read(ClusterKeys.DRAINING)
        .thenAccept(
            set -> {
              boolean listed = set != null && set.getElements().contains(self);
              if (!listed && asking.isDone()) {
                LOG.info(
                    "Shutdown: this node is not in the draining set yet; asking the controller again");
                askToDrain();
              }
            })
        .exceptionally(e -> null);
  }

  private boolean hostedHere(ReplicaInfo r) {
    return self.equals(r.node()) && r.state() != ReplicaState.PENDING;
  }

  private <T extends ReplicatedData> CompletionStage<T> read(Key<T> key) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<T>>ask(
            DistributedData.get(system).replicator(),
            replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
            settings.readTimeout(),
            system.scheduler())
        .thenApply(rsp -> rsp instanceof Replicator.GetSuccess<T> ok ? ok.dataValue() : null);
  }
}
