package io.modelfleet.ops.observe;

/**
 * Makes the observer of one replica when it starts serving. One per node component (metrics, JMX,
 * alerts); {@link io.modelfleet.ops.Ops} fans each replica's reports out to all of them.
 */
@FunctionalInterface
public interface ReplicaObservers {

  /**
   * @param replicaId the serving incarnation's entity id ("model/version/index[/generation]")
   * @param device the device the session runs on ("cpu", "gpu:0", "sim-gpu:1")
   */
  ReplicaObserver open(String model, String version, String replicaId, String device);
}
