package io.modelfleet.protocol.service;

import io.modelfleet.protocol.cluster.DrainReply;
import java.util.concurrent.CompletionStage;

/**
 * Starts and cancels member drains. Implemented where the deployment controller lives
 * (cluster-node), which owns the draining set, and handed to the gateway, which must not depend on
 * it. A stage fails with a {@link java.util.concurrent.TimeoutException} when the controller did
 * not answer in time.
 */
public interface MemberDrains {

  /** Puts the member (full address) into the draining set. */
  CompletionStage<DrainReply> drain(String address);

  /** Takes the member (full address) out of the draining set. */
  CompletionStage<DrainReply> cancelDrain(String address);
}
