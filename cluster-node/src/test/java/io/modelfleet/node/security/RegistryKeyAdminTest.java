package io.modelfleet.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin.Created;
import io.modelfleet.protocol.service.KeyAdmin.KeyAdminException;
import io.modelfleet.protocol.service.KeyAdmin.NewKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's key administration over a real key registry: a created key's secret is returned once
 * and never stored (the registry and its journal hold its hash and prefix only), clients' mistakes
 * are 400s with a sentence, and the registry's refusals keep their status.
 */
class RegistryKeyAdminTest {
  private static final LocalRegistry registry = new LocalRegistry();
  private static final RequestMeta META = new RequestMeta("admin (k-0)", "req-1", null);

  @BeforeEach
  void fresh() {
    registry.fresh();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static KeyAdminException refused(CompletionStage<?> stage, int status) {
    var e = assertThrows(ExecutionException.class, () -> await(stage));
    var refusal = assertInstanceOf(KeyAdminException.class, e.getCause());
    assertEquals(status, refusal.status(), refusal.getMessage());
    return refusal;
  }

  private static NewKey key(String name) {
    return new NewKey(name, "team-a", Set.of(Role.INFERRER), List.of(new Grant("fraud*")), null, 0);
  }

  @Test
  void theSecretIsReturnedOnceAndOnlyItsHashIsStored() throws Exception {
    Created created = await(registry.admin.create(key("ci"), META));
    String secret = created.secret();
    assertTrue(KeySecrets.wellFormed(secret));
    ApiKey k = created.key();
    assertTrue(k.id().matches("k-[0-9a-f]{16}"), k.id());
    assertEquals(KeySecrets.hash(secret), k.secretHash());
    assertEquals(KeySecrets.prefix(secret), k.prefix());
    assertEquals(KeyLimits.NONE, k.limits());
    assertEquals("team-a", k.tenant());
    assertTrue(k.usableAt(System.currentTimeMillis()));

    assertEquals(List.of(k), registry.keys());
    assertEquals(List.of(k), await(registry.admin.list()));
    String stored = registry.keys().toString() + registry.events();
    assertFalse(stored.contains(secret), "the registry and its journal never hold the secret");
    assertFalse(
        stored.contains(secret.substring(KeySecrets.PREFIX_LENGTH)),
        "not even the part after the prefix");

    Created other = await(registry.admin.create(key("ci-2"), META));
    assertFalse(other.secret().equals(secret));
    assertFalse(other.key().id().equals(k.id()));
  }

  @Test
  void aClientsMistakeIsA400NamingTheField() {
    assertTrue(
        refused(registry.admin.create(key("bad name"), META), 400).getMessage().contains("name"));
    assertTrue(
        refused(
                registry.admin.create(
                    new NewKey("ci", "team/a", Set.of(Role.VIEWER), List.of(), null, 0), META),
                400)
            .getMessage()
            .contains("tenant"));
    assertTrue(
        refused(
                registry.admin.create(new NewKey("ci", "t", Set.of(), List.of(), null, 0), META),
                400)
            .getMessage()
            .contains("role"));
    assertTrue(
        refused(
                registry.admin.create(
                    new NewKey("ci", "t", Set.of(Role.VIEWER), List.of(), null, 1), META),
                400)
            .getMessage()
            .contains("future"));
    refused(registry.admin.createWithSecret(key("ci"), "not-a-key", META), 400);
    refused(registry.admin.changeAccess("k-1", Set.of(), List.of(), META), 400);
    refused(registry.admin.changeLimits("k-1", null, META), 400);
    assertEquals(List.of(), registry.keys(), "nothing reached the registry");
  }

  @Test
  void registryRefusalsKeepTheirStatusAndChangesAreAudited() throws Exception {
    Created created = await(registry.admin.create(key("ci"), META));
    String id = created.key().id();
    refused(registry.admin.create(key("ci"), META), 409);
    refused(registry.admin.revoke("k-0000000000000000", META), 404);

    ApiKey changed =
        await(registry.admin.changeAccess(id, Set.of(Role.PUBLISHER), List.of(Grant.ALL), META));
    assertEquals(Set.of(Role.PUBLISHER), changed.roles());
    ApiKey limited = await(registry.admin.changeLimits(id, new KeyLimits(5, 10, 2, 0), META));
    assertEquals(5, limited.limits().requestsPerSecond());
    ApiKey revoked = await(registry.admin.revoke(id, META.withReason("rotated")));
    assertTrue(revoked.revokedAt() > 0);
    assertEquals(revoked, await(registry.admin.revoke(id, META)), "revoking again changes nothing");
    refused(registry.admin.changeLimits(id, KeyLimits.NONE, META), 409);

    List<HistoryEntry> history = await(registry.admin.history());
    assertEquals(
        List.of("KeyCreated", "KeyAccessChanged", "KeyLimitsChanged", "KeyRevoked"),
        history.stream().map(HistoryEntry::event).toList());
    assertEquals("admin (k-0)", history.get(3).principal());
    assertEquals("rotated", history.get(3).reason());
    assertFalse(history.toString().contains(created.key().secretHash()));
    assertFalse(history.toString().contains(created.secret()));
  }
}
