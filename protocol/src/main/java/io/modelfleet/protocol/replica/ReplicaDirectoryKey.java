package io.modelfleet.protocol.replica;

import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;

/**
 * The Distributed Data key of the replica directory: replica id to {@link ReplicaInfo}. Each
 * replica writes only its own entry, so last-writer-wins per key cannot lose another's update.
 */
public final class ReplicaDirectoryKey {
  public static final Key<LWWMap<String, ReplicaInfo>> KEY = LWWMapKey.create("replica-directory");

  private ReplicaDirectoryKey() {}
}
