package io.modelfleet.node.placement;

import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.model.ModelView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The deployment controller's own messages (its adapters', its timers' and its piped futures');
 * other nodes see only {@link ControllerCommand}'s public records.
 */
sealed interface ControllerMessage extends ControllerCommand {

  record ModelChanged(String model) implements ControllerMessage {}

  record ModelRead(String model, ModelView view) implements ControllerMessage {}

  record ModelReadFailed(String model, String why) implements ControllerMessage {}

  record Data(Replicator.SubscribeResponse<?> response) implements ControllerMessage {}

  record Members(ClusterEvent.MemberEvent event) implements ControllerMessage {}

  record Resync() implements ControllerMessage {}

  record Round() implements ControllerMessage {}

  record Starters(Receptionist.Listing listing) implements ControllerMessage {}

  record EventStreamCompleted() implements ControllerMessage {}

  record EventStreamFailed(Throwable failure) implements ControllerMessage {}

  /** A shard location was set; the entity may be started there now. */
  record LocationSet(String entityId, Assignment at) implements ControllerMessage {}

  record LocationFailed(String entityId, Throwable failure) implements ControllerMessage {}

  /**
   * The replicator answered a write of the draining set ({@code what}: "drain" or "drain cancel").
   */
  record DrainWritten(String what, DrainReply reply, ActorRef<DrainReply> replyTo)
      implements ControllerMessage {}

  /** The replicator did not answer a write of the draining set. */
  record DrainWriteFailed(
      String what, String address, Throwable failure, ActorRef<DrainReply> replyTo)
      implements ControllerMessage {}
}
