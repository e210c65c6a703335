package io.modelfleet.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.keys.KeyHistory;
import io.modelfleet.persistence.keys.KeyRegistryEntity;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyCommand;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin.NewKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key publisher as a node runs it, on a one-node cluster in this JVM: the sharded key registry
 * on the persistence test kit, the publisher following its journal through the kit's read journal,
 * and the replicated key map every gateway authenticates from. A key that existed before the
 * publisher started is published at its start; each later change is in the map within a second; a
 * failed event stream restarts the publisher.
 */
class KeyPublisherTest {
  private static final String CLUSTER =
      """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.roles = ["worker"]
      pekko.loglevel = INFO
      """;
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration PUBLISHED_WITHIN = Duration.ofSeconds(1);
  private static final RequestMeta META = new RequestMeta("admin (k-0)", "req-1", null);

  private static ActorTestKit kit;
  private static ActorSystem<Void> system;
  private static RegistryKeyAdmin admin;
  private static ApiKey before;
  private static final AtomicInteger streams = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Config config =
        ConfigFactory.parseString(CLUSTER)
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("modelfleet", config);
    system = kit.system();
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    awaitThat(WAIT, () -> cluster.selfMember().status().equals(MemberStatus.up()), "up");
    KeyRegistryEntity.initSharding(system, ClusterKeys.ROLE_WORKER);
    PersistenceTestKitReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(
                PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    admin = RegistryKeyAdmin.sharded(system, new KeyHistory(system, journal), WAIT);
    before = await(admin.create(newKey("before"), META)).key();

    // The first event stream fails, as a journal query can: the publisher restarts with a fresh
    // one.
    EventsByPersistenceIdQuery failingOnce =
        (pid, from, to) ->
            streams.incrementAndGet() == 1
                ? Source.failed(new IllegalStateException("journal query failed (test)"))
                : journal.eventsByPersistenceId(pid, from, to);
    kit.spawn(
        KeyPublisher.create(
            ClusterSharding.get(system).entityRefFor(KeyCommand.TYPE_KEY, KeyCommand.REGISTRY_ID),
            failingOnce,
            KeyPublisherSettings.fromConfig(config)),
        "key-publisher");
  }

  @AfterAll
  static void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private static NewKey newKey(String name) {
    return new NewKey(name, "default", Set.of(Role.INFERRER), List.of(Grant.ALL), null, 0);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aKeyThatExistedBeforeThePublisherIsPublishedAtItsStart() throws Exception {
    awaitPublished(WAIT, before);
  }

  @Test
  void createChangeAndRevokeAreEachPublishedWithinASecond() throws Exception {
    awaitPublished(WAIT, before);
    ApiKey created = await(admin.create(newKey("ci"), META)).key();
    awaitPublished(PUBLISHED_WITHIN, created);

    ApiKey access =
        await(
            admin.changeAccess(
                created.id(), Set.of(Role.PUBLISHER), List.of(new Grant("team-a-*")), META));
    awaitPublished(PUBLISHED_WITHIN, access);

    ApiKey limited = await(admin.changeLimits(created.id(), new KeyLimits(5, 10, 2, 0), META));
    awaitPublished(PUBLISHED_WITHIN, limited);

    ApiKey revoked = await(admin.revoke(created.id(), META));
    awaitPublished(PUBLISHED_WITHIN, revoked);
    assertFalse(published().get(created.id()).usableAt(System.currentTimeMillis()));
    assertEquals(await(admin.list()).size(), published().size(), "the map holds every key");
  }

  @Test
  void aFailedEventStreamRestartsThePublisher() throws Exception {
    awaitThat(WAIT, () -> streams.get() >= 2, "a second event stream after the first failed");
    ApiKey later = await(admin.create(newKey("after-restart"), META)).key();
    awaitPublished(WAIT, later);
  }

  @Test
  void aPublishedKeyCrossesNodes() {
    kit.serializationTestKit().verifySerialization(before, true);
  }

  private static void awaitPublished(Duration within, ApiKey key) throws Exception {
    Predicate<ApiKey> same = key::equals;
    awaitThat(
        within,
        () -> same.test(published().get(key.id())),
        "key " + key.id() + " as the registry holds it in the map");
  }

  private static Map<String, ApiKey> published() {
    try {
      Replicator.GetResponse<LWWMap<String, ApiKey>> rsp =
          AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, ApiKey>>>ask(
                  DistributedData.get(system).replicator(),
                  replyTo ->
                      new Replicator.Get<>(ClusterKeys.API_KEYS, Replicator.readLocal(), replyTo),
                  Duration.ofSeconds(3),
                  system.scheduler())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      return rsp instanceof Replicator.GetSuccess<LWWMap<String, ApiKey>> ok
          ? ok.dataValue().getEntries()
          : Map.of();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitThat(Duration within, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + within.toMillis() + " ms");
      }
      Thread.sleep(20);
    }
  }
}
