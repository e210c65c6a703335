package io.modelfleet.node.replica;

import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;

/**
 * How a replica asks its model's registry entity (for its spec, and to record its placement). On a
 * node that is the sharded {@code ModelEntity}; a test answers with a probe instead.
 */
@FunctionalInterface
interface ModelRegistry {

  CompletionStage<ModelReply> ask(
      String model, Function<ActorRef<ModelReply>, ModelCommand> command, Duration timeout);

  static ModelRegistry sharded(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (model, command, timeout) ->
        sharding.entityRefFor(ModelCommand.TYPE_KEY, model).ask(command, timeout);
  }
}
