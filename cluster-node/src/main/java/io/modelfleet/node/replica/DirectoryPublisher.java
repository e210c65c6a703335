package io.modelfleet.node.replica;

import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Writes a replica's own entry of the replica directory. Local writes: gossip spreads them, and a
 * gateway that briefly routes on a stale entry gets a 503 from the replica and retries elsewhere.
 */
final class DirectoryPublisher {
  private final ActorSystem<?> system;
  private final SelfUniqueAddress self;

  DirectoryPublisher(ActorSystem<?> system) {
    this.system = system;
    this.self = DistributedData.get(system).selfUniqueAddress();
  }

  void publish(ReplicaInfo info) {
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(), system.ignoreRef(),
        m -> m.put(self, info.replicaId(), info)));
  }

  void remove(String replicaId) {
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        ReplicaDirectoryKey.KEY, LWWMap.empty(), Replicator.writeLocal(), system.ignoreRef(),
        m -> m.remove(self, replicaId)));
  }
}
