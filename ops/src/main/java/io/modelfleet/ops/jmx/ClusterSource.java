package io.modelfleet.ops.jmx;

/**
 * The membership, read from what the node already holds (never by asking another node): the Cluster
 * and Node MBeans call it on every attribute read. Implemented in cluster-node.
 */
@FunctionalInterface
public interface ClusterSource {
  ClusterSnapshot snapshot();
}
