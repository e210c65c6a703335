package io.modelfleet.ops.jmx;

import java.util.List;
import java.util.Map;

/**
 * One model, at {@code io.modelfleet:type=Model,name=<model>}. Replica counts are cluster-wide
 * (this node's copy of the replica directory, members that are neither Down nor Removed); request
 * figures are this node's (its replicas of the model), over the sliding window ({@code
 * modelfleet.ops.window}) and since the node started. An MXBean: every attribute is an open type,
 * so JConsole and any JMX client read it without ModelFleet's classes.
 */
public interface ModelMXBean {

  String getName();

  /** Replicas in the READY state anywhere in the cluster. */
  int getReadyReplicas();

  /** Replicas in any state (PENDING, LOADING, READY, DRAINING, FAILED) in the cluster. */
  int getReplicas();

  /** Cluster-wide replica count per state; states with none are left out. */
  Map<String, Integer> getReplicasByState();

  /** Replicas of the model serving on this node now. */
  int getLocalReplicas();

  /** The versions with a replica in the cluster or served on this node since it started. */
  List<String> getVersions();

  /** The length of the window the *InWindow figures and the percentiles cover. */
  long getWindowSeconds();

  /** Requests answered on this node in the window (successes and failures). */
  long getRequestsInWindow();

  long getFailuresInWindow();

  /** FailuresInWindow / RequestsInWindow; 0 without requests. */
  double getErrorRatio();

  /**
   * Latency percentiles in milliseconds over the window, from a request's arrival at the replica to
   * its answer (upper bounds of exponential buckets, at most 20% high); with several versions
   * answering, the slowest version's. 0 without requests.
   */
  double getLatencyP50Ms();

  double getLatencyP95Ms();

  double getLatencyP99Ms();

  /** Requests accepted by this node's replicas of the model and not yet answered (queue depth). */
  int getPending();

  /** Requests answered on this node since it started. */
  long getRequestsTotal();

  long getFailuresTotal();

  /** The same figures per version. */
  List<VersionStatus> getVersionStatistics();
}
