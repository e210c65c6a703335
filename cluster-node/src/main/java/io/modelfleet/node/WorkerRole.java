package io.modelfleet.node;

import com.typesafe.config.Config;
import io.modelfleet.node.cluster.NodeInfoPublisher;
import io.modelfleet.node.cluster.ShutdownDrain;
import io.modelfleet.node.cluster.ShutdownDrainSettings;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.replica.ReplicaStarter;
import io.modelfleet.protocol.service.MemberDrains;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * What a node with the worker role runs besides its sharded entities: the publisher of its devices
 * (which placement reads), the starter that places replicas on it, and the drain that moves its
 * replicas away on SIGTERM. Nodes without the role run none of it.
 */
final class WorkerRole {
  private WorkerRole() {}

  static void start(
      ActorSystem<?> system,
      DeviceInventory devices,
      List<String> roles,
      String nodeAddress,
      Config config,
      ShutdownDrainSettings shutdownDrain,
      MemberDrains drains) {
    system.systemActorOf(
        NodeInfoPublisher.create(
            devices,
            roles,
            nodeAddress,
            config.getDuration("modelfleet.cluster.node-info-interval"),
            FleetNode.IO_DISPATCHER),
        "node-info",
        Props.empty());
    system.systemActorOf(ReplicaStarter.create(), "replica-starter", Props.empty());
    ShutdownDrain.register(system, shutdownDrain, drains);
  }
}
