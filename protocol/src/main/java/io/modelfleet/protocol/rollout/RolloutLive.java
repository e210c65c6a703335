package io.modelfleet.protocol.rollout;

import io.modelfleet.protocol.FleetSerializable;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;

/**
 * The rollout controller's last measurement of an active rollout, published in Distributed Data
 * under {@link #KEY} ("model/id" to this) so that any gateway shows it from its own replica: the
 * step it was measured in, the window's numbers (null before the first window closes) and the
 * judge's last word ("12 of 30 requests", "analysis passing", ...).
 */
public record RolloutLive(String model, String id, int step, RolloutWindow window, String verdict)
    implements FleetSerializable {

  /** Written by the rollout controller only (local writes; gossip spreads them). */
  public static final Key<LWWMap<String, RolloutLive>> KEY = LWWMapKey.create("rollout-live");

  public static String entry(String model, String id) {
    return model + "/" + id;
  }
}
