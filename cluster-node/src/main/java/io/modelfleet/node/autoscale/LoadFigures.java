package io.modelfleet.node.autoscale;

/**
 * What one version did over the autoscaler's window, summed over every node that serves it.
 *
 * @param avgInFlight requests in flight (queued + running), summed over the nodes at each reading
 *     and averaged over the window's readings
 * @param inFlightNow requests in flight at the latest reading
 * @param requests requests answered within the window
 * @param queueNanos time the window's answered requests waited in the replicas' queues, in total
 * @param ready Ready replicas at the latest reading
 */
public record LoadFigures(
    double avgInFlight, int inFlightNow, long requests, long queueNanos, int ready) {

  public static final LoadFigures IDLE = new LoadFigures(0, 0, 0, 0, 0);

  /** No request answered and none in flight: what scale-to-zero waits for. */
  public boolean idle() {
    return requests == 0 && inFlightNow == 0 && avgInFlight == 0;
  }

  /** The mean queue delay of the window's answered requests in ms, or -1 when none was answered. */
  public double queueDelayMillis() {
    return requests == 0 ? -1 : queueNanos / 1e6 / requests;
  }
}
