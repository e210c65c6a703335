package io.modelfleet.gateway.security;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Keys for tests: a record and the secret it was made from. */
record Keys(ApiKey key, String secret) {

  static Keys make(String id, String tenant, Role role, String... grants) {
    String secret = KeySecrets.generate();
    List<Grant> g =
        grants.length == 0 ? List.of(Grant.ALL) : Arrays.stream(grants).map(Grant::new).toList();
    ApiKey key =
        new ApiKey(
            id,
            id + "-name",
            tenant,
            Set.of(role),
            g,
            KeyLimits.NONE,
            KeySecrets.hash(secret),
            KeySecrets.prefix(secret),
            1_000,
            0,
            0);
    return new Keys(key, secret);
  }
}
