package io.modelfleet.ops.metering;

import io.modelfleet.protocol.usage.UsageDelta;
import java.util.List;

/**
 * Where flushed usage goes: the usage table of the registry database, on a node. Blocking; all or
 * nothing (it throws when it stored nothing, and the deltas are offered again next time).
 */
@FunctionalInterface
public interface UsageSink {
  void store(List<UsageDelta> deltas);
}
