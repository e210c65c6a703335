package io.modelfleet.persistence.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.registry.RegistrySettings;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.KeyReply;
import io.modelfleet.protocol.security.KeySecrets;
import io.modelfleet.protocol.security.Role;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key registry's rules, command by command, and its recovery from events and snapshots. */
class KeyRegistryEntityTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final RequestMeta META = new RequestMeta("admin (k-1)", "req-1", "test");

  private EventSourcedBehaviorTestKit<KeyCommand, KeyEvent, KeyState> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            KeyRegistryEntity.create(RegistrySettings.fromConfig(ConfigFactory.load())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  static ApiKey key(String id, String name) {
    String secret = KeySecrets.generate();
    return new ApiKey(
        id,
        name,
        "default",
        Set.of(Role.INFERRER),
        List.of(new Grant("fraud"), new Grant("team-a-*")),
        new KeyLimits(10, 20, 4, 1 << 20),
        KeySecrets.hash(secret),
        KeySecrets.prefix(secret),
        1_700_000_000_000L,
        0,
        0);
  }

  private CommandResultWithReply<KeyCommand, KeyEvent, KeyState, KeyReply> create(ApiKey k) {
    return kit.<KeyReply>runCommand(r -> new KeyCommand.Create(k, META, r));
  }

  private static KeyReply.Rejected rejected(KeyReply reply, int status) {
    var r = assertInstanceOf(KeyReply.Rejected.class, reply);
    assertEquals(status, r.status(), r.message());
    return r;
  }

  @Test
  void createRecordsTheKeyAndWhoMadeIt() {
    ApiKey k = key("k-1", "ci");
    var result = create(k);
    assertEquals(k, assertInstanceOf(KeyReply.Key.class, result.reply()).key());
    var event = result.eventOfType(KeyEvent.KeyCreated.class);
    assertEquals(k, event.key());
    assertEquals("admin (k-1)", event.meta().principal());
    assertEquals("req-1", event.meta().requestId());
    assertEquals(List.of(k), result.state().keys());
  }

  @Test
  void createIsRefusedForATakenIdOrAnActiveNameOrAKeyWithoutAHash() {
    create(key("k-1", "ci"));
    var sameId = create(key("k-1", "other"));
    rejected(sameId.reply(), 409);
    assertTrue(sameId.hasNoEvents());
    var sameName = create(key("k-2", "ci"));
    assertTrue(rejected(sameName.reply(), 409).message().contains("'ci'"));
    assertTrue(sameName.hasNoEvents());

    ApiKey plain = key("k-3", "plain");
    ApiKey secretAsHash =
        new ApiKey(
            "k-3",
            "plain",
            "default",
            plain.roles(),
            plain.grants(),
            plain.limits(),
            KeySecrets.generate(),
            plain.prefix(),
            plain.createdAt(),
            0,
            0);
    var refused = create(secretAsHash);
    rejected(refused.reply(), 400);
    assertFalse(
        ((KeyReply.Rejected) refused.reply()).message().contains(secretAsHash.secretHash()),
        "a rejection never repeats what was sent as the hash");
    rejected(create(plain.revoked(1)).reply(), 400);

    // Once revoked, the name is free again; the id never is.
    kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-1", META, r));
    var reused = create(key("k-4", "ci"));
    assertInstanceOf(KeyReply.Key.class, reused.reply());
    assertEquals(2, reused.state().keys().size());
  }

  @Test
  void revokeIsForGoodAndTwiceChangesNothing() {
    ApiKey k = key("k-1", "ci");
    create(k);
    var revoked = kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-1", META, r));
    var event = revoked.eventOfType(KeyEvent.KeyRevoked.class);
    ApiKey after = assertInstanceOf(KeyReply.Key.class, revoked.reply()).key();
    assertEquals(event.revokedAt(), after.revokedAt());
    assertEquals(event.meta().at().toEpochMilli(), event.revokedAt());
    assertFalse(after.usableAt(System.currentTimeMillis()));
    assertEquals(k.revoked(event.revokedAt()), after);

    var again = kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-1", META, r));
    assertTrue(again.hasNoEvents());
    assertEquals(after, assertInstanceOf(KeyReply.Key.class, again.reply()).key());

    rejected(kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-9", META, r)).reply(), 404);
  }

  @Test
  void accessAndLimitsChangeOnlyKnownLiveKeys() {
    create(key("k-1", "ci"));
    var access =
        kit.<KeyReply>runCommand(
            r ->
                new KeyCommand.ChangeAccess(
                    "k-1", Set.of(Role.PUBLISHER, Role.VIEWER), List.of(Grant.ALL), META, r));
    ApiKey changed = assertInstanceOf(KeyReply.Key.class, access.reply()).key();
    assertEquals(Set.of(Role.PUBLISHER, Role.VIEWER), changed.roles());
    assertEquals(List.of(Grant.ALL), changed.grants());
    assertEquals(List.of(Grant.ALL), access.eventOfType(KeyEvent.KeyAccessChanged.class).grants());
    var sameAccess =
        kit.<KeyReply>runCommand(
            r ->
                new KeyCommand.ChangeAccess(
                    "k-1", Set.of(Role.VIEWER, Role.PUBLISHER), List.of(Grant.ALL), META, r));
    assertTrue(sameAccess.hasNoEvents());

    KeyLimits limits = new KeyLimits(100, 200, 8, 0);
    var changedLimits =
        kit.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-1", limits, META, r));
    assertEquals(
        limits, assertInstanceOf(KeyReply.Key.class, changedLimits.reply()).key().limits());
    assertEquals(limits, changedLimits.eventOfType(KeyEvent.KeyLimitsChanged.class).limits());
    assertTrue(
        kit.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-1", limits, META, r))
            .hasNoEvents());

    rejected(
        kit.<KeyReply>runCommand(
                r -> new KeyCommand.ChangeAccess("k-9", Set.of(Role.VIEWER), List.of(), META, r))
            .reply(),
        404);
    rejected(
        kit.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-9", limits, META, r)).reply(),
        404);

    rejected(
        kit.<KeyReply>runCommand(
                r -> new KeyCommand.ChangeAccess("k-1", Set.of(), List.of(), META, r))
            .reply(),
        400);
    rejected(
        kit.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-1", null, META, r)).reply(),
        400);

    kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-1", META, r));
    var late =
        kit.<KeyReply>runCommand(
            r -> new KeyCommand.ChangeAccess("k-1", Set.of(Role.ADMIN), List.of(), META, r));
    rejected(late.reply(), 409);
    assertTrue(late.hasNoEvents());
    rejected(
        kit.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-1", KeyLimits.NONE, META, r))
            .reply(),
        409);
  }

  @Test
  void getKeysListsEveryKeyInCreationOrder() {
    create(key("k-b", "second-name"));
    create(key("k-a", "first-name"));
    kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-b", META, r));
    var keys = kit.<KeyReply>runCommand(KeyCommand.GetKeys::new);
    assertTrue(keys.hasNoEvents());
    List<ApiKey> listed = assertInstanceOf(KeyReply.Keys.class, keys.reply()).keys();
    assertEquals(List.of("k-b", "k-a"), listed.stream().map(ApiKey::id).toList());
    assertTrue(listed.get(0).revokedAt() > 0);
  }

  private static void drive(EventSourcedBehaviorTestKit<KeyCommand, KeyEvent, KeyState> k) {
    k.<KeyReply>runCommand(r -> new KeyCommand.Create(key("k-1", "a"), META, r));
    k.<KeyReply>runCommand(r -> new KeyCommand.Create(key("k-2", "b"), META, r));
    k.<KeyReply>runCommand(
        r -> new KeyCommand.ChangeAccess("k-1", Set.of(Role.ADMIN), List.of(Grant.ALL), META, r));
    k.<KeyReply>runCommand(r -> new KeyCommand.ChangeLimits("k-2", KeyLimits.NONE, META, r));
    k.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-2", META, r));
  }

  @Test
  void recoveryFromEventsGivesTheSameKeys() {
    drive(kit);
    KeyState before = kit.getState();
    assertEquals(
        5,
        kit.persistenceTestKit().persistedInStorage(KeyRegistryEntity.PERSISTENCE_ID.id()).size());
    assertEquals(before, kit.restart().state());
    assertEquals(List.of("k-1", "k-2"), before.keys().stream().map(ApiKey::id).toList());
  }

  @Test
  void recoveryFromSnapshotsGivesTheSameKeys() {
    kit.clear();
    var snapshotting =
        EventSourcedBehaviorTestKit.<KeyCommand, KeyEvent, KeyState>create(
            testKit.system(),
            KeyRegistryEntity.create(new RegistrySettings(2, 2)),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    drive(snapshotting);
    KeyState before = snapshotting.getState();
    String pid = KeyRegistryEntity.PERSISTENCE_ID.id();
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertFalse(
                  snapshotting.snapshotTestKit().orElseThrow().persistedInStorage(pid).isEmpty(),
                  "snapshots as the model registry's");
              return null;
            });
    assertEquals(5, snapshotting.persistenceTestKit().persistedInStorage(pid).size());
    assertEquals(before, snapshotting.restart().state());
    snapshotting.clear();
  }

  @Test
  void historyNamesWhoChangedWhatAndNeverTheHash() {
    ApiKey k = key("k-1", "ci");
    var created = create(k).eventOfType(KeyEvent.KeyCreated.class);
    HistoryEntry entry = created.toHistory(1);
    assertEquals("KeyCreated", entry.event());
    assertEquals("admin (k-1)", entry.principal());
    assertEquals("req-1", entry.requestId());
    assertEquals("ci", entry.details().get("name"));
    assertEquals(k.prefix(), entry.details().get("prefix"));
    assertEquals(List.of("inferrer"), entry.details().get("roles"));
    assertEquals(List.of("fraud", "team-a-*"), entry.details().get("grants"));
    assertFalse(entry.toString().contains(k.secretHash()), entry.toString());

    var revoked =
        kit.<KeyReply>runCommand(r -> new KeyCommand.Revoke("k-1", META, r))
            .eventOfType(KeyEvent.KeyRevoked.class)
            .toHistory(2);
    assertEquals("KeyRevoked", revoked.event());
    assertEquals("k-1", revoked.details().get("id"));
  }
}
