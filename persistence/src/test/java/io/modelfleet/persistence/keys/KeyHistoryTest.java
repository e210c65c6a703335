package io.modelfleet.persistence.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.registry.RegistrySettings;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The audit history of keys, read from the registry's journal through a read journal. */
class KeyHistoryTest {
  private static final ActorTestKit kit =
      ActorTestKit.create(
          PersistenceTestKitPlugin.getInstance()
              .config()
              .withFallback(PersistenceTestKitSnapshotPlugin.config())
              .withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyChangeInOrderWithItsPrincipalAndNoHash() throws Exception {
    ActorRef<KeyCommand> registry =
        kit.spawn(KeyRegistryEntity.create(RegistrySettings.fromConfig(ConfigFactory.load())));
    TestProbe<KeyReply> reply = kit.createTestProbe(KeyReply.class);
    ApiKey key = KeyRegistryEntityTest.key("k-1", "ci");
    RequestMeta alice = new RequestMeta("alice (k-0)", "req-7", null);
    registry.tell(new KeyCommand.Create(key, alice, reply.ref()));
    assertInstanceOf(KeyReply.Key.class, reply.receiveMessage());
    registry.tell(new KeyCommand.Revoke("k-1", alice.withReason("leaked"), reply.ref()));
    assertInstanceOf(KeyReply.Key.class, reply.receiveMessage());

    KeyHistory history =
        new KeyHistory(
            kit.system(),
            PersistenceQuery.get(kit.system())
                .getReadJournalFor(
                    PersistenceTestKitReadJournal.class,
                    PersistenceTestKitReadJournal.Identifier()));
    List<HistoryEntry> entries =
        history
            .history()
            .toCompletableFuture()
            .get(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS);
    assertEquals(
        List.of("KeyCreated", "KeyRevoked"), entries.stream().map(HistoryEntry::event).toList());
    assertEquals(List.of(1L, 2L), entries.stream().map(HistoryEntry::sequenceNr).toList());
    assertEquals("alice (k-0)", entries.get(1).principal());
    assertEquals("req-7", entries.get(1).requestId());
    assertEquals("leaked", entries.get(1).reason());
    assertFalse(entries.toString().contains(key.secretHash()), entries.toString());
  }
}
