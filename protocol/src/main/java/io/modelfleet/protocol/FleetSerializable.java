package io.modelfleet.protocol;

/**
 * Marker for every message that may cross a node boundary or be written to the journal. Bound to
 * Jackson in this module's {@code reference.conf}; the tensor-carrying hot-path messages have their
 * own binary serializer ({@code InferenceSerializer}), so this marker is for control-plane records.
 */
public interface FleetSerializable {}
