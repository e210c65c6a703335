package io.modelfleet.node.cluster;

import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.protocol.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Publishes this node's roles and devices (with current free memory and utilisation) in the node
 * directory every {@code interval}, for the placement controller and {@code GET
 * /v1/cluster/members}. Reading NVML is a blocking native call, so it runs on the blocking-IO
 * dispatcher, not in this actor. Owns nothing else; writes only through {@link Directories}. Nobody
 * else sends it anything: its messages are its own timer's and the reading's result.
 */
public final class NodeInfoPublisher {
  private NodeInfoPublisher() {}

  /** The publisher's messages, all of them private. */
  public sealed interface Command {}

  private record Tick() implements Command {}

  private record Read(NodeInfo info) implements Command {}

  private record ReadFailed(Throwable failure) implements Command {}

  public static Behavior<Command> create(
      DeviceInventory devices,
      List<String> roles,
      String address,
      Duration interval,
      String blockingDispatcher) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Directories directories = new Directories(ctx.getSystem());
                  var ec =
                      ctx.getSystem()
                          .dispatchers()
                          .lookup(DispatcherSelector.fromConfig(blockingDispatcher));
                  timers.startTimerWithFixedDelay(new Tick(), interval);
                  ctx.getSelf().tell(new Tick());
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          Tick.class,
                          t -> {
                            ctx.pipeToSelf(
                                CompletableFuture.supplyAsync(
                                    () ->
                                        new NodeInfo(
                                            address,
                                            roles,
                                            devices.describe(),
                                            System.currentTimeMillis()),
                                    ec),
                                (info, failure) ->
                                    failure == null ? new Read(info) : new ReadFailed(failure));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Read.class,
                          r -> {
                            directories.putNode(r.info());
                            return Behaviors.same();
                          })
                      // A failed reading is tried again at once, as the next tick would.
                      .onMessage(
                          ReadFailed.class,
                          f -> {
                            ctx.getSelf().tell(new Tick());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
