package io.modelfleet.protocol.load;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The load probe every node runs (registered under {@link #KEY}): answers what the model versions
 * served on the node did ({@link VersionLoad}) and what its gateway mirrored ({@link ShadowLoad}).
 * The rollout controller and the autoscaler ask every node's probe and add the answers up.
 */
public sealed interface LoadProbe extends FleetSerializable {

  ServiceKey<LoadProbe> KEY = ServiceKey.create(LoadProbe.class, "modelfleet-load-probe");

  /** Asks for the node's load of {@code model} (null: every model). */
  record Read(String model, ActorRef<NodeLoad> replyTo) implements LoadProbe {}

  /** One node's answer. */
  record NodeLoad(String node, List<VersionLoad> versions, List<ShadowLoad> shadows)
      implements FleetSerializable {
    public NodeLoad {
      versions = List.copyOf(versions);
      shadows = List.copyOf(shadows);
    }
  }
}
