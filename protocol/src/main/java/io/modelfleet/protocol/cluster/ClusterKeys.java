package io.modelfleet.protocol.cluster;

import io.modelfleet.protocol.alerts.DriftReset;
import io.modelfleet.protocol.alerts.NodeAlerts;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.security.ApiKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.ORSetKey;

/** Distributed Data keys shared by gateways and workers. */
public final class ClusterKeys {
  /** Node address to its {@link NodeInfo}; each node writes only its own entry. */
  public static final Key<LWWMap<String, NodeInfo>> NODES = LWWMapKey.create("node-directory");

  /**
   * Addresses of members being drained. The deployment controller moves their replicas away and
   * then makes them leave. Only the controller writes it: others send it {@link
   * ControllerCommand.Drain} or {@link ControllerCommand.CancelDrain}; everyone may read it.
   */
  public static final Key<ORSet<String>> DRAINING = ORSetKey.create("draining-members");

  /**
   * Replica id to where the deployment controller placed it (node and device). The controller
   * writes; a replica reads its own entry when it starts, to open its session on that device.
   */
  public static final Key<LWWMap<String, ReplicaPlacement>> PLACEMENTS =
      LWWMapKey.create("replica-placements");

  /**
   * Key id to its {@link ApiKey} (hash of the secret, never the secret): every gateway
   * authenticates from its own replica of this map, so a key check is a local lookup and a
   * revocation reaches every gateway with the next gossip. Only the key publisher writes it.
   */
  public static final Key<LWWMap<String, ApiKey>> API_KEYS = LWWMapKey.create("api-keys");

  /**
   * Model name to the tenant it belongs to, for every model the deployment controller has read.
   * Gateways decide access from their own replica of it (no registry read per request); the
   * controller writes it.
   */
  public static final Key<LWWMap<String, String>> MODEL_TENANTS = LWWMapKey.create("model-tenants");

  /**
   * Node address to the alerts that node evaluates (pending and firing). Each node writes only its
   * own entry, every evaluation round in which something changed; {@code GET /v1/alerts} reads the
   * local replica, so no request asks every node.
   */
  public static final Key<LWWMap<String, NodeAlerts>> ALERTS = LWWMapKey.create("node-alerts");

  /**
   * Model name to the last request to capture its output-drift reference again; written by the
   * gateway that took the request, read by every node's alert evaluator.
   */
  public static final Key<LWWMap<String, DriftReset>> DRIFT_RESETS =
      LWWMapKey.create("drift-resets");

  /** Node roles. A node has both unless configured otherwise. */
  public static final String ROLE_GATEWAY = "gateway";

  public static final String ROLE_WORKER = "worker";

  private ClusterKeys() {}
}
