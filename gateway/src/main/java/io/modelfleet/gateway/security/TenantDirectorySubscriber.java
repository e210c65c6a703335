package io.modelfleet.gateway.security;

import io.modelfleet.protocol.cluster.ClusterKeys;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Keeps a {@link TenantDirectory} in step with {@link ClusterKeys#MODEL_TENANTS}: the local
 * replicator tells it the current map on subscription and every change after. Stops on {@link
 * Stop}, sent when the gateway server stops.
 */
public final class TenantDirectorySubscriber {

  public sealed interface Command {}

  /** Sent by the server on stop. */
  public record Stop() implements Command {}

  private record TenantsChanged(Replicator.SubscribeResponse<LWWMap<String, String>> response)
      implements Command {}

  private TenantDirectorySubscriber() {}

  public static Behavior<Command> create(TenantDirectory directory) {
    return DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(
        adapter -> {
          adapter.subscribe(ClusterKeys.MODEL_TENANTS, TenantsChanged::new);
          return Behaviors.receive(Command.class)
              .onMessage(
                  TenantsChanged.class,
                  m -> {
                    if (m.response() instanceof Replicator.Changed<LWWMap<String, String>> c) {
                      directory.learnAll(c.get(ClusterKeys.MODEL_TENANTS).getEntries());
                    }
                    return Behaviors.same();
                  })
              .onMessage(Stop.class, m -> Behaviors.stopped())
              .build();
        });
  }
}
