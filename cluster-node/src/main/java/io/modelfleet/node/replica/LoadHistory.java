package io.modelfleet.node.replica;

import io.modelfleet.node.device.Device;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.VersionInfo;
import java.util.Optional;

/**
 * What a replica that is not serving yet carries from one load attempt to the next. The directory
 * keeps showing the last failure's {@code reason}, the last chosen {@code device} and the last
 * fetched {@code version} (for its footprint) while a retry runs, until a load succeeds.
 *
 * @param failures failed attempts so far, which set the next backoff
 * @param told the placement the controller sent with its last start, which wins over the gossiped
 *     map
 */
record LoadHistory(
    int failures,
    Optional<String> reason,
    Optional<Device> device,
    Optional<VersionInfo> version,
    Optional<ReplicaPlacement> told) {

  static final LoadHistory FIRST =
      new LoadHistory(0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** A start without a placement keeps the one told before. */
  LoadHistory toldBy(ReplicaPlacement placement) {
    return placement == null
        ? this
        : new LoadHistory(failures, reason, device, version, Optional.of(placement));
  }

  LoadHistory withVersion(VersionInfo v) {
    return new LoadHistory(failures, reason, device, Optional.of(v), told);
  }

  LoadHistory withDevice(Device d) {
    return new LoadHistory(failures, reason, Optional.of(d), version, told);
  }

  LoadHistory failedAgain(String why) {
    return new LoadHistory(failures + 1, Optional.of(why), device, version, told);
  }
}
