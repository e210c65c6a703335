package io.modelfleet.protocol.load;

import io.modelfleet.protocol.FleetSerializable;

/**
 * What one model version did on one node, as counters since the node started (so two readings
 * subtract into a window: the rollout analysis and the autoscaler read them periodically and take
 * differences), plus its load now. Gathered by the node's load probe ({@link LoadProbe}) from its
 * replicas.
 *
 * @param replicas Ready replicas of the version on this node now
 * @param inFlight requests accepted by those replicas and not answered yet, now (queued + running)
 * @param requests answered since the node started (successes and failures of every kind)
 * @param errors answered with a failure of the version itself: the runtime failed while running the
 *     request (HTTP 500, Triton's BACKEND); not a refusal, not a cancelled request
 * @param rejected turned away before running (queue full, queue timeout, replica going away)
 * @param latency answered successes per {@link LatencyBuckets} bucket (arrival at the replica to
 *     answer), {@link LatencyBuckets#COUNT} entries
 * @param queueNanos total time answered requests waited in the replicas' queues
 */
public record VersionLoad(
    String model,
    String version,
    int replicas,
    int inFlight,
    long requests,
    long errors,
    long rejected,
    long[] latency,
    long queueNanos)
    implements FleetSerializable {}
