package io.modelfleet.protocol.alerts;

import io.modelfleet.protocol.FleetSerializable;

/**
 * A request to capture a model's output-drift reference again, as {@code POST
 * /v1/alerts/drift/{model}/reference} writes it to {@link
 * io.modelfleet.protocol.cluster.ClusterKeys#DRIFT_RESETS}. Every node that serves the model drops
 * the reference it holds when it sees a reset newer than the last one it applied, and takes the
 * next sampled outputs as the new reference.
 */
public record DriftReset(String model, long requestedAtMillis, String principal)
    implements FleetSerializable {}
