package io.modelfleet.protocol.cluster;

import io.modelfleet.protocol.FleetSerializable;

/** The deployment controller's answer to a drain or a drain cancellation. */
public sealed interface DrainReply extends FleetSerializable {

  /** The member this answer is about (full address). */
  String address();

  /** A majority of the nodes hold the change. */
  record Written(String address) implements DrainReply {}

  /**
   * No majority confirmed the change within the controller's write timeout. It stands on the
   * controller's node all the same and gossip spreads it, so the request is accepted.
   */
  record WrittenLocally(String address) implements DrainReply {}

  /** The controller's node did not answer in time; whether the change stands is unknown. */
  record Unanswered(String address) implements DrainReply {}

  /** The change could not be applied at all; {@code reason} says why. */
  record Failed(String address, String reason) implements DrainReply {}
}
