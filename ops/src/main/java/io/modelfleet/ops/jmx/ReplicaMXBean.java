package io.modelfleet.ops.jmx;

/**
 * One replica serving on this node, at {@code
 * io.modelfleet:type=Replica,model=<m>,version=<v>,id="<id>"}: registered when its session opens
 * (READY) and unregistered when it stops serving. Counts are since it opened.
 */
public interface ReplicaMXBean {

  /** The replica's entity id, "model/version/index[/generation]". */
  String getId();

  String getModel();

  String getVersion();

  /** The device its session runs on: "cpu", "gpu:0", "sim-gpu:1". */
  String getDevice();

  /** Its state in the replica directory (READY, DRAINING); READY until the directory has it. */
  String getState();

  /** Requests accepted and not yet answered (queued or executing). */
  int getPending();

  /** Requests answered since it opened (successes and failures). */
  long getRequests();

  long getFailures();

  /** When it opened, ISO-8601 UTC. */
  String getServingSince();
}
