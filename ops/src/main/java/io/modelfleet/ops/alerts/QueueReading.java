package io.modelfleet.ops.alerts;

/**
 * How full the queues of one model version's replicas on this node got since the previous round.
 *
 * @param peakPending the most requests pending (queued and executing) on any one replica
 * @param limit the per-replica limit compared with (the deployment's max_queue_size, or the
 *     configured absolute limit); 0 when not known yet
 */
public record QueueReading(String model, String version, int peakPending, int limit) {}
