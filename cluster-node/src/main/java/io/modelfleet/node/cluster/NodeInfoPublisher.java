package io.modelfleet.node.cluster;

import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Publishes this node's roles and devices (with current free memory and utilisation) in the node
 * directory every {@code interval}, for the placement controller and {@code GET
 * /v1/cluster/members}. Reading NVML is a blocking native call, so it runs on the blocking-IO
 * dispatcher, not in this actor. Owns nothing else; talks only to the local replicator.
 */
public final class NodeInfoPublisher {
  private NodeInfoPublisher() {}

  private record Tick() {}

  private record Read(NodeInfo info) {}

  public static Behavior<Object> create(DeviceInventory devices, List<String> roles, String address, Duration interval,
      String blockingDispatcher) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
      var replicator = DistributedData.get(ctx.getSystem()).replicator();
      var ec = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(blockingDispatcher));
      timers.startTimerWithFixedDelay(new Tick(), interval);
      ctx.getSelf().tell(new Tick());
      return Behaviors.receive(Object.class)
          .onMessage(Tick.class, t -> {
            ctx.pipeToSelf(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> new NodeInfo(address, roles, devices.describe(), System.currentTimeMillis()), ec),
                (info, err) -> err == null ? new Read(info) : new Tick());
            return Behaviors.same();
          })
          .onMessage(Read.class, r -> {
            replicator.tell(new Replicator.Update<>(ClusterKeys.NODES, LWWMap.empty(), Replicator.writeLocal(),
                ctx.getSystem().ignoreRef(), m -> m.put(self, address, r.info())));
            return Behaviors.same();
          })
          .build();
    }));
  }
}
