package io.modelfleet.node.replica;

import io.modelfleet.protocol.replica.ReplicaCommand;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Each replica is its own shard (shard id = entity id), so the deployment controller can place
 * every replica on the node it chose through sharding's external allocation strategy, and moving
 * one replica moves nothing else.
 */
public final class OneShardPerReplica
    extends ShardingMessageExtractor<ShardingEnvelope<ReplicaCommand>, ReplicaCommand> {
  @Override
  public String entityId(ShardingEnvelope<ReplicaCommand> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return entityId;
  }

  @Override
  public ReplicaCommand unwrapMessage(ShardingEnvelope<ReplicaCommand> envelope) {
    return envelope.message();
  }
}
