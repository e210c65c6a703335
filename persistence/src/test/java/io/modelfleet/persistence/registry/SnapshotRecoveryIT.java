package io.modelfleet.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshots on the real journal (an H2 file and PostgreSQL): a model written past several snapshots
 * comes back in a fresh actor system with the same state, its history (read as the gateway reads
 * it) still holds every event in order, and the recovery really starts from the snapshot.
 */
class SnapshotRecoveryIT {
  private static final int EVERY = 5;
  private static final Duration ASK = Duration.ofSeconds(20);
  private static final RequestMeta META = new RequestMeta("alice", "req-1", "test");
  private static final List<TensorSpec> IO =
      List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));

  @TempDir static Path dir;
  private static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  static Stream<Arguments> databases() {
    String url = pg.getJdbcUrl("postgres", "postgres");
    return Stream.of(
        Arguments.of("h2", ConfigFactory.parseMap(Map.of("modelfleet.data-dir", dir.toString()))),
        Arguments.of(
            "postgres",
            ConfigFactory.parseMap(
                Map.of("modelfleet.database.url", url, "modelfleet.database.user", "postgres"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aModelComesBackFromItsSnapshotWithItsFullHistory(String name, Config dbConfig)
      throws Exception {
    Config base =
        dbConfig
            .withFallback(
                ConfigFactory.parseMap(Map.of("modelfleet.registry.snapshot-every", EVERY)))
            .withFallback(ConfigFactory.load());
    DatabaseSettings db = DatabaseSettings.fromConfig(base, dir);
    DatabaseSchema.ensure(db);
    Config config = db.pekkoOverrides().withFallback(base);
    String model = "snap-" + name;
    String pid = ModelEntity.persistenceId(model).id();

    List<String> written = new ArrayList<>();
    ModelView before;
    ActorSystem<Void> first = ActorSystem.create(Behaviors.empty(), "first", config);
    try {
      ActorRef<ModelCommand> entity = spawn(first, model, config);
      ask(
          first,
          entity,
          r ->
              new ModelCommand.RegisterVersion(
                  "1", "sha256:" + "a".repeat(64), 1, IO, IO, META, r));
      written.add("VersionRegistered");
      for (int i = 0; i < 20; i++) {
        int replicas = 1 + i % 2;
        ask(
            first,
            entity,
            r ->
                new ModelCommand.Deploy(
                    new DeploymentSpec("1", replicas, DeviceKind.CPU), META, r));
        written.add("DeploymentSet");
      }
      ask(
          first,
          entity,
          r ->
              new ModelCommand.RecordPlacement(
                  new ReplicaPlacement(model + "/1/0", "node-a", "cpu"), r));
      ask(
          first,
          entity,
          r ->
              new ModelCommand.RecordPlacement(
                  new ReplicaPlacement(model + "/1/1", "node-b", "cpu"), r));
      written.add("ReplicaPlaced");
      written.add("ReplicaPlaced");
      before = current(ask(first, entity, ModelCommand.GetModel::new));
      // Saved at 5, 10, 15 and 20; the two oldest deleted once the newer are saved.
      awaitSnapshots(db, pid, List.of(15L, 20L));
    } finally {
      terminate(first);
    }

    ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "second", config);
    try {
      assertEquals(
          before, current(ask(second, spawn(second, model, config), ModelCommand.GetModel::new)));
      List<HistoryEntry> history =
          new JournalCatalog(second).history(model).toCompletableFuture().get();
      assertEquals(
          written, history.stream().map(HistoryEntry::event).toList(), "every event, in order");
      assertEquals(
          LongStream.rangeClosed(1, 23).boxed().toList(),
          history.stream().map(HistoryEntry::sequenceNr).toList());
    } finally {
      terminate(second);
    }

    // The proof that recovery starts from the snapshot: without the events it covers, the state is
    // the same.
    execute(
        db, "DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number <= 20", pid);
    ActorSystem<Void> third = ActorSystem.create(Behaviors.empty(), "third", config);
    try {
      assertEquals(
          before, current(ask(third, spawn(third, model, config), ModelCommand.GetModel::new)));
    } finally {
      terminate(third);
    }
  }

  private static ActorRef<ModelCommand> spawn(
      ActorSystem<Void> system, String model, Config config) {
    return system.systemActorOf(
        ModelEntity.create(model, RegistrySettings.fromConfig(config)), model, Props.empty());
  }

  private static ModelReply ask(
      ActorSystem<Void> system,
      ActorRef<ModelCommand> entity,
      Function<ActorRef<ModelReply>, ModelCommand> command)
      throws Exception {
    return AskPattern.ask(entity, command::apply, ASK, system.scheduler())
        .toCompletableFuture()
        .get();
  }

  private static ModelView current(ModelReply reply) {
    return assertInstanceOf(ModelReply.Current.class, reply).model();
  }

  private static void awaitSnapshots(DatabaseSettings db, String pid, List<Long> expected)
      throws Exception {
    long deadline = System.nanoTime() + ASK.toNanos();
    List<Long> seen;
    do {
      seen = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
          PreparedStatement st =
              c.prepareStatement(
                  "SELECT sequence_number FROM snapshot WHERE persistence_id = ? ORDER BY sequence_number")) {
        st.setString(1, pid);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            seen.add(rs.getLong(1));
          }
        }
      }
      if (seen.equals(expected)) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    assertEquals(expected, seen);
  }

  private static void execute(DatabaseSettings db, String sql, String pid) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, pid);
      assertTrue(st.executeUpdate() > 0);
    }
  }

  private static void terminate(ActorSystem<Void> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get();
  }
}
