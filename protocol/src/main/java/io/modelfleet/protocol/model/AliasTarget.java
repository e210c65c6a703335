package io.modelfleet.protocol.model;

import io.modelfleet.protocol.FleetSerializable;

/**
 * Where an alias points: {@code version}, the registered version it was last set to, and {@code
 * previous}, the version that served it when it was set (null when none did). The gateway routes
 * the alias to {@code version} once that has a Ready replica, and until then to {@code previous}
 * (see the gateway's {@code AliasResolution}), like ModelMesh's vmodels.
 */
public record AliasTarget(String version, String previous) implements FleetSerializable {}
