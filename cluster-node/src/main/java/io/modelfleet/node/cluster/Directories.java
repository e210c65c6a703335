package io.modelfleet.node.cluster;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.rollout.RolloutLive;
import io.modelfleet.protocol.security.ApiKey;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Every write this node makes to the cluster's shared directories (Distributed Data): the replica
 * directory, the node directory, the placement map, the draining set and the API keys. One place,
 * so that who writes what, and how strongly, can be read in one file:
 *
 * <pre>
 * data            writer                                  consistency
 * replica dir     a replica its own entry; the controller  local (gossip spreads it; a stale
 *                 pending entries and those of departed    entry costs one retried request)
 *                 nodes
 * node dir        each worker its own entry; the           local
 *                 controller those of departed nodes
 * placements      the controller                           local
 * draining set    the controller only                      majority for a drain and its cancel;
 *                                                          local when a drained member leaves
 * rollout live    the rollout controller                   local
 * api keys        the key publisher (singleton on the      majority, within a short timeout;
 *                 workers), copying the key registry       local when no majority answers
 * </pre>
 *
 * <p>How soon a key change reaches every gateway: a majority write puts it on more than half of the
 * nodes before {@link #putApiKey} completes; the others get it from gossip, whose deltas go out
 * every {@code pekko.cluster.distributed-data.gossip-interval} / 5 (400 ms at the default 2 s) and
 * whose full state goes out every gossip-interval. A gateway subscribed to the map is told within
 * {@code notify-subscribers-interval} (100 ms in the node's application.conf). So a revocation is
 * enforced everywhere about a second after the registry persisted it (the publisher's journal poll,
 * {@code jdbc-read-journal.refresh-interval}, adds at most 200 ms), and within a few gossip
 * intervals even when deltas are lost.
 */
public final class Directories {
  private final ActorSystem<?> system;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;

  public Directories(ActorSystem<?> system) {
    this.system = system;
    DistributedData ddata = DistributedData.get(system);
    this.replicator = ddata.replicator();
    this.self = ddata.selfUniqueAddress();
  }

  public void putReplica(ReplicaInfo info) {
    updateLocal(ReplicaDirectoryKey.KEY, m -> m.put(self, info.replicaId(), info));
  }

  public void removeReplica(String replicaId) {
    updateLocal(ReplicaDirectoryKey.KEY, m -> m.remove(self, replicaId));
  }

  public void putNode(NodeInfo info) {
    updateLocal(ClusterKeys.NODES, m -> m.put(self, info.address(), info));
  }

  public void removeNode(String address) {
    updateLocal(ClusterKeys.NODES, m -> m.remove(self, address));
  }

  public void putPlacement(ReplicaPlacement placement) {
    updateLocal(ClusterKeys.PLACEMENTS, m -> m.put(self, placement.replicaId(), placement));
  }

  /**
   * Records which tenant a model belongs to, for the gateways' access checks (see {@link
   * ClusterKeys#MODEL_TENANTS}); a model's tenant never changes, so the write is only ever new.
   */
  public void putModelTenant(String model, String tenant) {
    updateLocal(ClusterKeys.MODEL_TENANTS, m -> m.put(self, model, tenant));
  }

  /** A write to this node's replica of a map, gossiped to the others. */
  /** The rollout controller's last measurement of a rollout (see {@link RolloutLive}). */
  public void putRolloutLive(RolloutLive live) {
    updateLocal(
        RolloutLive.KEY, m -> m.put(self, RolloutLive.entry(live.model(), live.id()), live));
  }

  public void removeRolloutLive(String model, String id) {
    updateLocal(RolloutLive.KEY, m -> m.remove(self, RolloutLive.entry(model, id)));
  }

  private <V> void updateLocal(
      Key<LWWMap<String, V>> key, Function<LWWMap<String, V>, LWWMap<String, V>> change) {
    replicator.tell(
        new Replicator.Update<>(
            key, LWWMap.empty(), Replicator.writeLocal(), system.ignoreRef(), change::apply));
  }

  /** How far a write reached when it completed. */
  public enum Reach {
    /** A majority of the nodes hold it. */
    MAJORITY,
    /** Only this node is known to hold it; gossip spreads it. */
    LOCAL
  }

  /**
   * Puts {@code key} (its hash and metadata; the secret never exists here) into the replicated key
   * map with a majority write. Completes with how far it reached within {@code writeTimeout} (the
   * ask adds a second against a lost answer); fails only when the replicator refused the write.
   */
  public CompletionStage<Reach> putApiKey(ApiKey key, Duration writeTimeout) {
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, ApiKey>>>ask(
            replicator,
            replyTo ->
                new Replicator.Update<>(
                    ClusterKeys.API_KEYS,
                    LWWMap.empty(),
                    new Replicator.WriteMajority(writeTimeout),
                    replyTo,
                    m -> m.put(self, key.id(), key)),
            writeTimeout.plusSeconds(1),
            system.scheduler())
        .thenApply(
            reply -> {
              if (reply instanceof Replicator.UpdateSuccess<LWWMap<String, ApiKey>>) {
                return Reach.MAJORITY;
              }
              if (reply instanceof Replicator.UpdateTimeout<LWWMap<String, ApiKey>>) {
                return Reach.LOCAL;
              }
              throw new IllegalStateException(
                  "the key map refused the write of key "
                      + key.id()
                      + ": "
                      + reply.getClass().getSimpleName());
            });
  }

  /** Drops a member that has left from the draining set; local, since it is gone either way. */
  public void forgetDrained(String address) {
    replicator.tell(
        new Replicator.Update<>(
            ClusterKeys.DRAINING,
            ORSet.<String>empty(),
            Replicator.writeLocal(),
            system.ignoreRef(),
            set -> set.remove(self, address)));
  }

  /**
   * Adds the member to the draining set with a majority write; completes with the outcome once the
   * replicator has answered (within {@code writeTimeout}; the ask adds a second against a lost
   * answer).
   */
  public CompletionStage<DrainReply> addDraining(String address, Duration writeTimeout) {
    return writeDraining(address, writeTimeout, true);
  }

  /** Removes the member from the draining set with a majority write, as {@link #addDraining}. */
  public CompletionStage<DrainReply> removeDraining(String address, Duration writeTimeout) {
    return writeDraining(address, writeTimeout, false);
  }

  private CompletionStage<DrainReply> writeDraining(
      String address, Duration writeTimeout, boolean add) {
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<ORSet<String>>>ask(
            replicator,
            replyTo ->
                new Replicator.Update<>(
                    ClusterKeys.DRAINING,
                    ORSet.<String>empty(),
                    new Replicator.WriteMajority(writeTimeout),
                    replyTo,
                    set -> add ? set.add(self, address) : set.remove(self, address)),
            writeTimeout.plusSeconds(1),
            system.scheduler())
        .thenApply(
            reply -> {
              if (reply instanceof Replicator.UpdateSuccess<ORSet<String>>) {
                return new DrainReply.Written(address);
              }
              if (reply instanceof Replicator.UpdateTimeout<ORSet<String>>) {
                return new DrainReply.WrittenLocally(address);
              }
              return new DrainReply.Failed(
                  address, "the draining set could not be updated for " + address + ": " + reply);
            });
  }
}
