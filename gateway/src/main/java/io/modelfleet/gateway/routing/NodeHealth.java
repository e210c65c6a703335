package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Which cluster nodes this gateway currently cannot reach, and which inferences are waiting on each
 * node. A replica's directory entry outlives its node by as long as the failure detector and the
 * directory's cleanup take; without this, a request sent to a crashed node would wait for its whole
 * deadline. With it, new requests avoid unreachable nodes at once and waiting ones fail over as
 * soon as the node is marked unreachable.
 *
 * <p>Fed by {@link ReachabilityWatcher}; read by {@link InferenceDispatcher}. Replicas on this node
 * have local refs (no host in their address) and are never considered lost.
 */
public final class NodeHealth {

  /** Thrown into a pending inference whose node became unreachable or left. */
  public static final class NodeLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NodeLostException(Address node) {
      super("node " + node + " became unreachable", null, false, false);
    }
  }

  private volatile Set<Address> unreachable = Set.of();
  private final ConcurrentHashMap<Address, Set<CompletableFuture<?>>> pending =
      new ConcurrentHashMap<>();

  public boolean reachable(ReplicaInfo replica) {
    Set<Address> u = unreachable;
    return u.isEmpty() || !u.contains(replica.ref().path().address());
  }

  /**
   * Fails {@code reply} with {@link NodeLostException} if {@code target}'s node is lost before it
   * completes.
   */
  public void track(ActorRef<?> target, CompletableFuture<?> reply) {
    Address node = target.path().address();
    if (!node.hasGlobalScope()) {
      return;
    }
    pending.computeIfAbsent(node, a -> ConcurrentHashMap.newKeySet()).add(reply);
    // The node may have been lost between choosing the replica and registering here.
    if (unreachable.contains(node)) {
      reply.completeExceptionally(new NodeLostException(node));
    }
  }

  public void untrack(ActorRef<?> target, CompletableFuture<?> reply) {
    Set<CompletableFuture<?>> set = pending.get(target.path().address());
    if (set != null) {
      set.remove(reply);
    }
  }

  synchronized void markUnreachable(Address node) {
    Set<Address> next = new HashSet<>(unreachable);
    next.add(node);
    unreachable = Set.copyOf(next);
    failPending(node);
  }

  synchronized void markReachable(Address node) {
    if (unreachable.contains(node)) {
      Set<Address> next = new HashSet<>(unreachable);
      next.remove(node);
      unreachable = Set.copyOf(next);
    }
  }

  /**
   * The node left for good. Its pending requests fail over; the address is then forgotten because a
   * restarted node reuses it, and its new replicas must be routable.
   */
  synchronized void removed(Address node) {
    failPending(node);
    markReachable(node);
  }

  private void failPending(Address node) {
    Set<CompletableFuture<?>> set = pending.get(node);
    if (set != null) {
      for (CompletableFuture<?> f : set) {
        f.completeExceptionally(new NodeLostException(node));
      }
    }
  }
}
