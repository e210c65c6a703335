package io.modelfleet.protocol.alerts;

import io.modelfleet.protocol.FleetSerializable;
import java.util.List;

/**
 * Every pending and firing alert one node evaluates, as it published them last: that node's entry
 * in {@link io.modelfleet.protocol.cluster.ClusterKeys#ALERTS}. Each node writes only its own
 * entry, replacing it whole, so last-writer-wins per key loses nothing.
 */
public record NodeAlerts(String node, List<AlertInfo> alerts, long updatedAtMillis)
    implements FleetSerializable {

  public NodeAlerts {
    alerts = List.copyOf(alerts);
  }
}
