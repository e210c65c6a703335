package io.modelfleet.gateway.cluster;

import io.modelfleet.protocol.cluster.ClusterKeys;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Keeps this gateway's {@link ClusterData} in step with the node directory and the draining set.
 *
 * <p>Owns the Distributed Data subscriptions to {@link ClusterKeys#NODES} and {@link
 * ClusterKeys#DRAINING}; the local replicator tells it of every change (at most once per notify
 * interval) and on subscription of the current value, and it swaps the new value into {@link
 * ClusterData}. A key nobody has written yet is simply not reported, so the snapshots stay empty
 * until the first node publishes. It has one state (subscribed) and stops on {@link Stop}, sent
 * when the gateway server stops; the replicator drops the subscriptions when it dies.
 *
 * <p>Both subscriptions answer through one message adapter, dispatching on the key. A typed actor
 * has one adapter per message class, and both answers are {@code SubscribeResponse}s, so a second
 * adapter (as two {@code ReplicatorMessageAdapter}s would register) silently replaces the first and
 * the first key's changes arrive wrapped for the second.
 */
public final class ClusterDataSubscriber {

  public sealed interface Command {}

  /** Sent by the server on stop. */
  public record Stop() implements Command {}

  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  private ClusterDataSubscriber() {}

  public static Behavior<Command> create(ClusterData data) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Replicator.Command> replicator =
              DistributedData.get(ctx.getSystem()).replicator();
          ActorRef<Replicator.SubscribeResponse<?>> adapter =
              ctx.messageAdapter(responseClass(), DataChanged::new);
          replicator.tell(
              new Replicator.Subscribe<>(ClusterKeys.NODES, narrow(adapter, ClusterKeys.NODES)));
          replicator.tell(
              new Replicator.Subscribe<>(
                  ClusterKeys.DRAINING, narrow(adapter, ClusterKeys.DRAINING)));
          return Behaviors.receive(Command.class)
              .onMessage(
                  DataChanged.class,
                  m -> {
                    onDataChanged(m.response(), data);
                    return Behaviors.same();
                  })
              .onMessage(Stop.class, m -> Behaviors.stopped())
              .build();
        });
  }

  private static void onDataChanged(Replicator.SubscribeResponse<?> response, ClusterData data) {
    if (response instanceof Replicator.Changed<?> c) {
      if (c.key().equals(ClusterKeys.NODES)) {
        data.replaceNodes(c.get(ClusterKeys.NODES).getEntries());
      } else if (c.key().equals(ClusterKeys.DRAINING)) {
        data.replaceDraining(c.get(ClusterKeys.DRAINING).getElements());
      }
    } else if (response instanceof Replicator.Deleted<?> d) {
      // Nobody deletes these keys in normal operation; if it happens, show nothing.
      if (d.key().equals(ClusterKeys.NODES)) {
        data.replaceNodes(Map.of());
      } else if (d.key().equals(ClusterKeys.DRAINING)) {
        data.replaceDraining(Set.of());
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<Replicator.SubscribeResponse<?>> responseClass() {
    return (Class) Replicator.SubscribeResponse.class;
  }

  /** The one adapter, typed for one key's answers (it accepts every key's). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <A extends ReplicatedData> ActorRef<Replicator.SubscribeResponse<A>> narrow(
      ActorRef<Replicator.SubscribeResponse<?>> adapter, Key<A> key) {
    return (ActorRef) adapter;
  }
}
