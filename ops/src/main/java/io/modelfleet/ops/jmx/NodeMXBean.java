package io.modelfleet.ops.jmx;

import java.util.List;

/**
 * This node, at {@code io.modelfleet:type=Node}: its address, roles, devices and whether it is
 * being drained, and the two safe operations an operator runs on a node from JConsole.
 */
public interface NodeMXBean {

  /** Its cluster address, {@code pekko://modelfleet@host:port}. */
  String getAddress();

  /** "gateway", "worker". */
  List<String> getRoles();

  /** The CPU, then each GPU, with memory in bytes and utilisation in percent (-1: unknown). */
  List<DeviceStatus> getDevices();

  long getUptimeSeconds();

  /** When the node started, ISO-8601 UTC. */
  String getStartTime();

  /** Whether it is in the cluster's draining set. */
  boolean isDraining();

  /** Replicas serving on this node now. */
  int getLocalReplicas();

  /**
   * Drains this node, as {@code POST /v1/cluster/members/{this}/drain}: its replicas move to other
   * workers, then it leaves the cluster (and its process stops). Returns what happened, or why it
   * was refused (for example when no other worker could take its replicas).
   */
  String drain();

  /**
   * Cancels a drain of this node, as {@code DELETE /v1/cluster/members/{this}/drain}; replicas
   * already moved stay where they are.
   */
  String cancelDrain();
}
