package io.modelfleet.ops.load;

import io.modelfleet.protocol.load.LoadProbe;
import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The node's load probe: registers under {@link LoadProbe#KEY} and answers each {@link
 * LoadProbe.Read} from the node's {@link VersionCounters} and {@link ShadowCounters} (reads of
 * atomics, nothing blocks).
 */
public final class LoadProbeActor {

  private LoadProbeActor() {}

  public static Behavior<LoadProbe> create(
      String node, VersionCounters versions, ShadowCounters shadows) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(LoadProbe.KEY, ctx.getSelf()));
          return Behaviors.receive(LoadProbe.class)
              .onMessage(
                  LoadProbe.Read.class,
                  r -> {
                    r.replyTo()
                        .tell(
                            new NodeLoad(
                                node, versions.snapshot(r.model()), shadows.snapshot(r.model())));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
