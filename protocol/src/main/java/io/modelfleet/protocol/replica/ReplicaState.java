package io.modelfleet.protocol.replica;

/**
 * Life of a replica.
 *
 * <pre>
 * from      event                          to
 * (plan)    fits on no worker              PENDING  (published by the controller, not started)
 * (start)   entity started                 LOADING
 * LOADING   session open and warm          READY
 * LOADING   artifact/session failure       FAILED   (retried with backoff)
 * FAILED    backoff elapsed                LOADING
 * READY     stop / undeploy / shutdown     DRAINING
 * DRAINING  in-flight requests finished    (stopped, removed from the directory)
 * </pre>
 */
public enum ReplicaState {
  PENDING,
  LOADING,
  READY,
  DRAINING,
  FAILED
}
