package io.modelfleet.node.placement;

import io.modelfleet.protocol.model.DeviceKind;
import java.util.Objects;

/**
 * What one desired replica asks of placement: the kind of device its deployment wants and the
 * device memory it will occupy, in bytes (see {@link
 * io.modelfleet.protocol.model.Footprint#estimate(long)}).
 */
public record ReplicaRequest(DeviceKind kind, long footprintBytes) {

  public ReplicaRequest {
    Objects.requireNonNull(kind, "kind");
    if (footprintBytes < 0) {
      throw new IllegalArgumentException("footprintBytes must be >= 0, got " + footprintBytes);
    }
  }
}
