package io.modelfleet.gateway.routing;

import io.modelfleet.protocol.replica.ReplicaInfo;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The gateway's current {@link RoutingTable}: the replica directory's entries, less those whose
 * node is not a cluster member.
 *
 * <p>Two writers feed it: the {@link DirectorySubscriber} with the directory's entries and the
 * {@link ReachabilityWatcher} with the membership. Either change rebuilds the table from both
 * (writers take this object's lock, which is held only while a table is built). Any number of
 * request threads read the latest table through a volatile field, so the hot path never blocks and
 * never sees a half-applied change.
 */
public final class ReplicaDirectory {

  private volatile RoutingTable table = RoutingTable.EMPTY;

  /** Whether the directory's entries have arrived at least once (readiness waits for it). */
  private volatile boolean received;

  // Guarded by this; read only by the writers.
  private Collection<ReplicaInfo> entries = List.of();

  /** Null until the membership is first known; then nothing is filtered (see RoutingTable.of). */
  private Set<String> memberNodes;

  public RoutingTable current() {
    return table;
  }

  /**
   * True once the replica directory has been received; until then the table is empty for want of
   * news.
   */
  public boolean received() {
    return received;
  }

  /** The directory changed: {@code entries} is all of it. Returns the new table. */
  public synchronized RoutingTable replaceEntries(Collection<ReplicaInfo> next) {
    entries = List.copyOf(next);
    received = true;
    return rebuild();
  }

  /**
   * The membership changed: {@code nodes} are the addresses ({@code Address.toString()}) of the
   * members that are neither Down nor Removed. Returns the new table.
   */
  public synchronized RoutingTable replaceMembers(Set<String> nodes) {
    Set<String> next = Set.copyOf(nodes);
    if (next.equals(memberNodes)) {
      return table;
    }
    memberNodes = next;
    return rebuild();
  }

  private RoutingTable rebuild() {
    RoutingTable next = RoutingTable.of(entries, memberNodes);
    table = next;
    return next;
  }
}
