package io.modelfleet.node.replica;

import io.modelfleet.node.cluster.Directories;
import io.modelfleet.protocol.replica.ReplicaInfo;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Writes a replica's own entry of the replica directory. Local writes (see {@link Directories}):
 * gossip spreads them, and a gateway that briefly routes on a stale entry gets a 503 from the
 * replica and retries elsewhere.
 */
final class DirectoryPublisher {
  private final Directories directories;

  DirectoryPublisher(ActorSystem<?> system) {
    this.directories = new Directories(system);
  }

  void publish(ReplicaInfo info) {
    directories.putReplica(info);
  }

  void remove(String replicaId) {
    directories.removeReplica(replicaId);
  }
}
