package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId.Incarnation;
import java.util.Objects;

/**
 * A move in progress, make-before-break: the new incarnation started at {@code to} while the
 * current one keeps serving. When the new one is READY the old ones are retired (they drain their
 * in-flight requests, then stop); if it fails or is not READY in time, the new one is retired
 * instead and the replica stays where it was.
 *
 * @param startedNanos when the controller started it ({@code System.nanoTime()})
 * @param why what asked for the move, for the log
 */
record Surge(Incarnation incarnation, Assignment to, long startedNanos, String why) {
  Surge {
    Objects.requireNonNull(incarnation, "incarnation");
    Objects.requireNonNull(to, "to");
  }
}
