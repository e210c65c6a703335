package io.modelfleet.ops.jmx;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * This node's latest copies of the replica directory and the draining set (Distributed Data), for
 * the MBeans: every node keeps them, whatever its roles, so that an attribute read is a volatile
 * read and never a question to the replicator.
 *
 * <p>The {@link #create subscriber} owns the two subscriptions; the local replicator tells it of
 * every change (at most once per notify interval) and it swaps the new value in, then tells the
 * listener the directory's entries (so models that appear get their MBean). One adapter serves both
 * keys, for the reason {@code ClusterDataSubscriber} in the gateway gives. It has one state and
 * lives as long as the actor system.
 */
public final class DirectoryView {

  private volatile Map<String, ReplicaInfo> replicas = Map.of();
  private volatile Set<String> draining = Set.of();

  /** Replica id to its directory entry, as last replicated to this node. */
  public Map<String, ReplicaInfo> replicas() {
    return replicas;
  }

  /** Addresses of the members being drained. */
  public Set<String> draining() {
    return draining;
  }

  /** The entries of one model. */
  public List<ReplicaInfo> replicasOf(String model) {
    return replicas.values().stream().filter(r -> r.model().equals(model)).toList();
  }

  /** Replaces the directory (tests and the subscriber). */
  void replaceReplicas(Map<String, ReplicaInfo> next) {
    replicas = Map.copyOf(next);
  }

  void replaceDraining(Set<String> next) {
    draining = Set.copyOf(next);
  }

  /** Messages of the subscriber. */
  public sealed interface Command {}

  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  /**
   * The subscriber keeping {@code view} current; {@code onReplicas} is called from its actor after
   * every change of the directory.
   */
  public static Behavior<Command> create(
      DirectoryView view, Consumer<Collection<ReplicaInfo>> onReplicas) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Replicator.Command> replicator =
              DistributedData.get(ctx.getSystem()).replicator();
          ActorRef<Replicator.SubscribeResponse<?>> adapter =
              ctx.messageAdapter(responseClass(), DataChanged::new);
          replicator.tell(
              new Replicator.Subscribe<>(
                  ReplicaDirectoryKey.KEY, narrow(adapter, ReplicaDirectoryKey.KEY)));
          replicator.tell(
              new Replicator.Subscribe<>(
                  ClusterKeys.DRAINING, narrow(adapter, ClusterKeys.DRAINING)));
          return Behaviors.receive(Command.class)
              .onMessage(
                  DataChanged.class,
                  m -> {
                    onChanged(m.response(), view, onReplicas);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static void onChanged(
      Replicator.SubscribeResponse<?> response,
      DirectoryView view,
      Consumer<Collection<ReplicaInfo>> onReplicas) {
    if (response instanceof Replicator.Changed<?> c) {
      if (c.key().equals(ReplicaDirectoryKey.KEY)) {
        view.replaceReplicas(c.get(ReplicaDirectoryKey.KEY).getEntries());
        onReplicas.accept(view.replicas().values());
      } else if (c.key().equals(ClusterKeys.DRAINING)) {
        view.replaceDraining(c.get(ClusterKeys.DRAINING).getElements());
      }
    } else if (response instanceof Replicator.Deleted<?> d) {
      // Nobody deletes these keys in normal operation; if it happens, show nothing.
      if (d.key().equals(ReplicaDirectoryKey.KEY)) {
        view.replaceReplicas(Map.of());
        onReplicas.accept(List.of());
      } else if (d.key().equals(ClusterKeys.DRAINING)) {
        view.replaceDraining(Set.of());
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
