package io.modelfleet.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Authentication against the local view of the keys. */
class KeyCacheTest {

  private final Keys live = Keys.make("k1", "default", Role.INFERRER);
  private final Keys revoked = Keys.make("k2", "default", Role.ADMIN);
  private final Keys expiring = Keys.make("k3", "a", Role.VIEWER);
  private final ApiKey expiringKey =
      new ApiKey(
          "k3",
          "n",
          "a",
          expiring.key().roles(),
          expiring.key().grants(),
          expiring.key().limits(),
          expiring.key().secretHash(),
          expiring.key().prefix(),
          1,
          5_000,
          0);
  private final KeyCache cache =
      KeyCache.of(List.of(live.key(), revoked.key().revoked(2_000), expiringKey));

  @Test
  void aKnownSecretFindsItsKey() {
    assertEquals(Optional.of(live.key()), cache.authenticate(live.secret(), 3_000));
    assertEquals(Optional.of(expiringKey), cache.authenticate(expiring.secret(), 4_999));
  }

  @Test
  void unknownRevokedExpiredAndMalformedSecretsAreRefused() {
    assertEquals(Optional.empty(), cache.authenticate(KeySecrets.generate(), 3_000));
    assertEquals(Optional.empty(), cache.authenticate(revoked.secret(), 3_000));
    assertEquals(Optional.empty(), cache.authenticate(expiring.secret(), 5_000));
    assertEquals(Optional.empty(), cache.authenticate("not-a-key", 3_000));
    assertEquals(Optional.empty(), cache.authenticate(live.key().secretHash(), 3_000));
    assertEquals(Optional.empty(), cache.authenticate(null, 3_000));
  }

  @Test
  void aReplacementTakesEffectAtOnce() {
    KeyCache c = new KeyCache();
    assertFalse(c.received());
    assertEquals(Optional.empty(), c.authenticate(live.secret(), 3_000));
    c.replace(List.of(live.key()));
    assertTrue(c.received());
    assertTrue(c.authenticate(live.secret(), 3_000).isPresent());
    c.replace(List.of(live.key().revoked(2_500)));
    assertEquals(Optional.empty(), c.authenticate(live.secret(), 3_000), "revocation seen");
    assertEquals(2_500, c.byId("k1").orElseThrow().revokedAt());
    assertEquals(1, c.all().size());
  }

  @Test
  void aChangeMadeHereTakesEffectAtOnceAndOutranksTheLaggingReplicatedMap() {
    Keys fresh = Keys.make("k9", "default", Role.VIEWER);
    cache.changedHere(fresh.key());
    assertTrue(cache.authenticate(fresh.secret(), 10).isPresent(), "usable before replication");
    // The replicated map has not caught up: the key stays.
    cache.replace(List.of(live.key()));
    assertTrue(cache.authenticate(fresh.secret(), 10).isPresent());
    // Revoked here: refused at once, even while the replicated map still shows it usable.
    cache.changedHere(fresh.key().revoked(5));
    cache.replace(List.of(live.key(), fresh.key()));
    assertTrue(cache.authenticate(fresh.secret(), 10).isEmpty());
    // Once the map shows the same, it alone decides.
    cache.replace(List.of(live.key(), fresh.key().revoked(5)));
    cache.replace(List.of(live.key()));
    assertTrue(cache.byId("k9").isEmpty(), "no local change left to outrank the map");
  }
}
