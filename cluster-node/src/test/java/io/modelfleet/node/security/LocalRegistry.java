package io.modelfleet.node.security;

import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.keys.KeyHistory;
import io.modelfleet.persistence.keys.KeyRegistryEntity;
import io.modelfleet.persistence.registry.RegistrySettings;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyReply;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;

/**
 * A key registry in one local actor system on the persistence test kit (which serialises every
 * event it stores, as a real journal would), and the node's key administration over it. {@link
 * #fresh} empties the journal and starts a new registry entity, so each test starts from a first
 * start.
 */
final class LocalRegistry implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final ActorTestKit kit =
      ActorTestKit.create(
          ConfigFactory.parseString("pekko.actor.provider = local")
              .withFallback(PersistenceTestKitPlugin.getInstance().config())
              .withFallback(PersistenceTestKitSnapshotPlugin.config())
              .withFallback(ConfigFactory.load()));
  private final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
  private ActorRef<KeyCommand> entity;
  RegistryKeyAdmin admin;

  /** An empty registry (its journal cleared), and a key administration over it. */
  LocalRegistry fresh() {
    if (entity != null) {
      kit.stop(entity);
    }
    journal.clearAll();
    entity =
        kit.spawn(
            KeyRegistryEntity.create(
                RegistrySettings.fromConfig(kit.system().settings().config())));
    admin =
        new RegistryKeyAdmin(
            kit.system(),
            entity,
            new KeyHistory(
                kit.system(),
                PersistenceQuery.get(kit.system())
                    .getReadJournalFor(
                        PersistenceTestKitReadJournal.class,
                        PersistenceTestKitReadJournal.Identifier())),
            WAIT);
    return this;
  }

  /** Every key the registry holds, as it holds them. */
  List<ApiKey> keys() {
    TestProbe<KeyReply> reply = kit.createTestProbe(KeyReply.class);
    entity.tell(new KeyCommand.GetKeys(reply.ref()));
    return ((KeyReply.Keys) reply.receiveMessage(WAIT)).keys();
  }

  /** What the journal stores for the registry, as Jackson writes it. */
  List<Object> events() {
    return journal.persistedInStorage(KeyRegistryEntity.PERSISTENCE_ID.id());
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
