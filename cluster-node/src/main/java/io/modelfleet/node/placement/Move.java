package io.modelfleet.node.placement;

import io.modelfleet.protocol.replica.ReplicaId;
import java.util.Objects;

/**
 * A proposed relocation of a healthy replica. The controller executes it make-before-break: start a
 * copy at {@code to}, wait until it is Ready, then retire the copy at {@code from}.
 */
public record Move(ReplicaId replica, Assignment from, Assignment to) {

  public Move {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
