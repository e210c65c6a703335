package io.modelfleet.gateway.limits;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import java.util.List;
import java.util.Set;

/** Key records for limiter tests. */
final class Keys {

  private Keys() {}

  static ApiKey key(String id, String tenant, KeyLimits limits) {
    return new ApiKey(
        id,
        "name-" + id,
        tenant,
        Set.of(Role.INFERRER),
        List.of(Grant.ALL),
        limits,
        "0".repeat(64),
        "mfk_abcdef",
        0,
        0,
        0);
  }

  static KeyLimits rate(double perSecond, int burst) {
    return new KeyLimits(perSecond, burst, 0, 0);
  }

  static KeyLimits inFlight(int max) {
    return new KeyLimits(0, 0, max, 0);
  }

  static KeyLimits uploads(long bytesPerDay) {
    return new KeyLimits(0, 0, 0, bytesPerDay);
  }
}
