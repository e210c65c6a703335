package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * Picks the replica for one inference by the power of two random choices: draw two READY replicas
 * at random and take the one with fewer requests in flight from this gateway. It needs no
 * coordination between gateways, yet keeps a slow or stuck replica (whose count keeps growing) from
 * receiving much traffic, and avoids the herding that "always the least loaded" causes.
 *
 * <p>The counts are this gateway's own: {@link #acquire} before sending, {@link #release} when the
 * reply (or its timeout) arrives.
 *
 * <p>Given the gateway's own node ({@link #preferringLocal}), one of the two candidates is a random
 * eligible replica on that node whenever there is one, and it wins ties. A request then stays on
 * its node unless the local replica has more in flight than the other candidate, which saves the
 * network hop at low load and still evens out the counts under load.
 */
public final class ReplicaChooser {

  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final IntUnaryOperator random;
  private final String localNode;

  public ReplicaChooser() {
    this(bound -> ThreadLocalRandom.current().nextInt(bound));
  }

  /** {@code random.applyAsInt(n)} returns a value in [0, n); tests pass a fixed sequence. */
  public ReplicaChooser(IntUnaryOperator random) {
    this(random, null);
  }

  private ReplicaChooser(IntUnaryOperator random, String localNode) {
    this.random = random;
    this.localNode = localNode;
  }

  /** A chooser that favours replicas whose node is {@code nodeAddress} (the gateway's own). */
  public static ReplicaChooser preferringLocal(String nodeAddress, IntUnaryOperator random) {
    return new ReplicaChooser(random, nodeAddress);
  }

  public static ReplicaChooser preferringLocal(String nodeAddress) {
    return preferringLocal(nodeAddress, bound -> ThreadLocalRandom.current().nextInt(bound));
  }

  /**
   * One of the READY replicas among {@code candidates} that {@code allowed} accepts, or null when
   * there is none.
   */
  public ReplicaInfo choose(List<ReplicaInfo> candidates, Predicate<ReplicaInfo> allowed) {
    int n = candidates.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      ReplicaInfo only = candidates.get(0);
      return only.ready() && allowed.test(only) ? only : null;
    }
    if (localNode != null) {
      ReplicaInfo local = randomLocal(candidates, allowed);
      if (local != null) {
        ReplicaInfo other = candidates.get(random.applyAsInt(n));
        boolean otherOk = other != local && other.ready() && allowed.test(other);
        return otherOk && inFlight(other.replicaId()) < inFlight(local.replicaId()) ? other : local;
      }
    }
    // Two distinct random draws; fall back to a scan only when one of them is not eligible.
    int i = random.applyAsInt(n);
    int j = random.applyAsInt(n - 1);
    if (j >= i) {
      j++;
    }
    ReplicaInfo a = candidates.get(i);
    ReplicaInfo b = candidates.get(j);
    boolean okA = a.ready() && allowed.test(a);
    boolean okB = b.ready() && allowed.test(b);
    if (okA && okB) {
      return inFlight(b.replicaId()) < inFlight(a.replicaId()) ? b : a;
    }
    if (okA || okB) {
      return okA ? a : b;
    }
    return leastLoaded(candidates, allowed);
  }

  public ReplicaInfo choose(List<ReplicaInfo> candidates) {
    return choose(candidates, r -> true);
  }

  public void acquire(String replicaId) {
    inFlight.computeIfAbsent(replicaId, id -> new AtomicInteger()).incrementAndGet();
  }

  public void release(String replicaId) {
    AtomicInteger c = inFlight.get(replicaId);
    if (c != null) {
      // Floored at 0: a counter forgotten and recreated mid-request must not go negative.
      c.updateAndGet(x -> x > 0 ? x - 1 : 0);
    }
  }

  /**
   * Requests this gateway has outstanding at the replica: its own view, not the replica's queue
   * (other gateways keep their own counts). Read by the chooser and by {@code GET
   * /v1/cluster/replicas}.
   */
  public int inFlight(String replicaId) {
    AtomicInteger c = inFlight.get(replicaId);
    return c == null ? 0 : c.get();
  }

  /**
   * Forgets counters of replicas that left the directory so the map does not grow with every
   * replica ever seen. A request still in flight to a forgotten replica releases nothing.
   */
  public void retainOnly(Set<String> replicaIds) {
    inFlight.keySet().retainAll(replicaIds);
  }

  /** A random eligible replica on the local node, or null when it has none. */
  private ReplicaInfo randomLocal(List<ReplicaInfo> candidates, Predicate<ReplicaInfo> allowed) {
    int count = 0;
    for (ReplicaInfo r : candidates) {
      if (localNode.equals(r.node()) && r.ready() && allowed.test(r)) {
        count++;
      }
    }
    if (count == 0) {
      return null;
    }
    int pick = random.applyAsInt(count);
    for (ReplicaInfo r : candidates) {
      if (localNode.equals(r.node()) && r.ready() && allowed.test(r) && pick-- == 0) {
        return r;
      }
    }
    return null;
  }

  private ReplicaInfo leastLoaded(List<ReplicaInfo> candidates, Predicate<ReplicaInfo> allowed) {
    ReplicaInfo best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (ReplicaInfo r : candidates) {
      if (r.ready() && allowed.test(r)) {
        int load = inFlight(r.replicaId());
        if (load < bestLoad) {
          best = r;
          bestLoad = load;
        }
      }
    }
    return best;
  }
}
