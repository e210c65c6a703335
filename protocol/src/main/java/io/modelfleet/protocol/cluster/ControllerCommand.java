package io.modelfleet.protocol.cluster;

import io.modelfleet.protocol.FleetSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What other nodes may ask of the deployment controller (a cluster singleton on the workers).
 *
 * <p>The controller owns the draining set ({@link ClusterKeys#DRAINING}): it is the only writer. A
 * gateway's drain endpoint and a worker's shutdown drain send {@link Drain} or {@link CancelDrain};
 * the controller writes the set with a majority write and answers once the write has ended, so a
 * request that was answered is in the set the controller places by. The interface is open (not
 * sealed) because the controller's private messages implement it too, as Pekko's style guide has
 * internal messages implement the public command type.
 */
public interface ControllerCommand {

  /**
   * Adds the member (its full address) to the draining set; the controller moves its replicas away.
   */
  record Drain(String address, ActorRef<DrainReply> replyTo)
      implements ControllerCommand, FleetSerializable {}

  /** Removes the member from the draining set; it takes replicas again. */
  record CancelDrain(String address, ActorRef<DrainReply> replyTo)
      implements ControllerCommand, FleetSerializable {}
}
