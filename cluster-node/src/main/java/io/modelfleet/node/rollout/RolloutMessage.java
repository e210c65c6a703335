package io.modelfleet.node.rollout;

import io.modelfleet.protocol.load.LoadProbe.NodeLoad;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/** The rollout controller's messages: all its own (adapters, timers, piped futures). */
public sealed interface RolloutMessage {

  record ModelChanged(String model) implements RolloutMessage {}

  record ModelRead(String model, ModelView view) implements RolloutMessage {}

  record ModelReadFailed(String model, String why) implements RolloutMessage {}

  record Directory(Replicator.SubscribeResponse<?> response) implements RolloutMessage {}

  record Probes(Receptionist.Listing listing) implements RolloutMessage {}

  record Tick() implements RolloutMessage {}

  record Resync() implements RolloutMessage {}

  /** A probe's answer in round {@code round} of rollout {@code key} (null: it did not answer). */
  record ProbeAnswered(String key, long round, NodeLoad load) implements RolloutMessage {}

  /** The registry answered a decision about rollout {@code key} (null reply: it failed). */
  record Decided(String model, String key, ModelReply reply, String failure)
      implements RolloutMessage {}

  record StreamEnded(String why) implements RolloutMessage {}
}
