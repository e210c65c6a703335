package io.modelfleet.gateway.routing;

/**
 * The gateway's current {@link RoutingTable}. One writer (the {@link DirectorySubscriber}) swaps
 * whole snapshots; any number of request threads read the latest one through a volatile field,
 * so the hot path never blocks and never sees a half-applied change.
 */
public final class ReplicaDirectory {

  private volatile RoutingTable table = RoutingTable.EMPTY;

  public RoutingTable current() {
    return table;
  }

  public void replace(RoutingTable next) {
    table = next;
  }
}
