package io.modelfleet.ops.jmx;

/**
 * The safe operations on this node that the Node MBean offers, each going through the same path as
 * its HTTP route ({@code POST/DELETE /v1/cluster/members/{address}/drain}): the same refusals and
 * the same request to the deployment controller. Each waits for the controller's answer (a few
 * seconds at most) and returns a sentence saying what happened; none throws for a refusal.
 * Implemented in cluster-node.
 */
public interface NodeControl {

  /** Asks for this node to be drained: its replicas move to other workers, then it leaves. */
  String drain();

  /** Cancels a drain of this node. */
  String cancelDrain();
}
