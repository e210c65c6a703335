package io.modelfleet.gateway.security;

import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.security.ApiKey;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Keeps this gateway's {@link KeyCache} in step with the replicated keys.
 *
 * <p>Owns the Distributed Data subscription to {@link ClusterKeys#API_KEYS}; the local replicator
 * tells it of every change (at most once per notify interval) and of the current value on
 * subscription, and it swaps the whole map into the cache. Until a key is written the cache stays
 * empty (every request 401s). One state (subscribed); stops on {@link Stop}, sent when the gateway
 * server stops; the replicator drops the subscription when it dies.
 */
public final class KeyCacheSubscriber {

  public sealed interface Command {}

  /** Sent by the server on stop. */
  public record Stop() implements Command {}

  private record KeysChanged(Replicator.SubscribeResponse<LWWMap<String, ApiKey>> response)
      implements Command {}

  private KeyCacheSubscriber() {}

  public static Behavior<Command> create(KeyCache cache) {
    return DistributedData.<Command, LWWMap<String, ApiKey>>withReplicatorMessageAdapter(
        adapter -> {
          adapter.subscribe(ClusterKeys.API_KEYS, KeysChanged::new);
          return Behaviors.receive(Command.class)
              .onMessage(
                  KeysChanged.class,
                  m -> {
                    onKeysChanged(m.response(), cache);
                    return Behaviors.same();
                  })
              .onMessage(Stop.class, m -> Behaviors.stopped())
              .build();
        });
  }

  private static void onKeysChanged(
      Replicator.SubscribeResponse<LWWMap<String, ApiKey>> response, KeyCache cache) {
    if (response instanceof Replicator.Changed<LWWMap<String, ApiKey>> changed) {
      cache.replace(changed.get(ClusterKeys.API_KEYS).getEntries().values());
    } else if (response instanceof Replicator.Deleted<LWWMap<String, ApiKey>>) {
      // Nobody deletes the keys; if it happens, no key is valid any more (fail closed).
      cache.replace(List.of());
    }
  }
}
