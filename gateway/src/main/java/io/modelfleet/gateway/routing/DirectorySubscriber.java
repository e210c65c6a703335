package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Keeps this gateway's routing table in step with the replica directory.
 *
 * <p>Owns the Distributed Data subscription to {@link ReplicaDirectoryKey#KEY}; the local
 * replicator tells it of every change (at most once per notify interval) and on subscription of the
 * current value. For each change it hands the entries to the {@link ReplicaDirectory}, which builds
 * the {@link RoutingTable} request threads read (leaving out entries of nodes that are no longer
 * members), then lets the {@link ReplicaChooser} forget counters of replicas that left. It has one
 * state (subscribed) and stops on {@link Stop}, sent when the gateway server stops.
 */
public final class DirectorySubscriber {

  public sealed interface Command {}

  /** Sent by the server on stop; unsubscribing happens with the actor's death. */
  public record Stop() implements Command {}

  private record DirectoryChanged(
      Replicator.SubscribeResponse<LWWMap<String, ReplicaInfo>> response) implements Command {}

  private DirectorySubscriber() {}

  public static Behavior<Command> create(ReplicaDirectory directory, ReplicaChooser chooser) {
    return DistributedData.<Command, LWWMap<String, ReplicaInfo>>withReplicatorMessageAdapter(
        adapter -> {
          adapter.subscribe(ReplicaDirectoryKey.KEY, DirectoryChanged::new);
          return Behaviors.receive(Command.class)
              .onMessage(DirectoryChanged.class, m -> onDirectoryChanged(m, directory, chooser))
              .onMessage(Stop.class, m -> Behaviors.stopped())
              .build();
        });
  }

  private static Behavior<Command> onDirectoryChanged(
      DirectoryChanged m, ReplicaDirectory directory, ReplicaChooser chooser) {
    if (m.response() instanceof Replicator.Changed<LWWMap<String, ReplicaInfo>> changed) {
      RoutingTable table =
          directory.replaceEntries(changed.get(ReplicaDirectoryKey.KEY).getEntries().values());
      chooser.retainOnly(table.replicaIds());
    } else if (m.response() instanceof Replicator.Deleted<LWWMap<String, ReplicaInfo>>) {
      // Nobody deletes the directory in normal operation; if it happens, route nowhere.
      directory.replaceEntries(List.of());
      chooser.retainOnly(Set.of());
    }
    return Behaviors.same();
  }
}
