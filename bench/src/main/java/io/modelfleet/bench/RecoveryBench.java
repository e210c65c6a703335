package io.modelfleet.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.persistence.db.DatabaseSchema;
import io.modelfleet.persistence.db.DatabaseSettings;
import io.modelfleet.persistence.registry.EventMeta;
import io.modelfleet.persistence.registry.ModelEntity;
import io.modelfleet.persistence.registry.ModelEvent;
import io.modelfleet.persistence.registry.RegistrySettings;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Recovery time of one model's registry entity with a long journal, without and with snapshots: how
 * long a model takes to answer its first command after a start (or after its shard moves), on the
 * embedded H2 file and on PostgreSQL. Two models get the same {@code bench.recovery.events} events
 * (default 100,000: versions registered, deployments changed and removed, replicas placed); the
 * "before" one was written with snapshots off, the "after" one with {@code
 * modelfleet.registry.snapshot-every} (default 100) so that it ends on the worst case, a snapshot
 * followed by that many more events. Each run starts a fresh actor system, recovers one small model
 * to open the journal, and then times the big model from spawn to first reply. Run with {@code
 * bench/recovery.sh}.
 */
public final class RecoveryBench {
  private static final int EVENTS = Integer.getInteger("bench.recovery.events", 100_000);
  private static final int RUNS = Integer.getInteger("bench.recovery.runs", 3);
  private static final int BATCH = 1_000;
  private static final Duration ASK = Duration.ofMinutes(10);
  private static final List<TensorSpec> INPUTS =
      List.of(
          new TensorSpec("input_ids", DataType.INT64, List.of(-1L, 128L)),
          new TensorSpec("attention_mask", DataType.INT64, List.of(-1L, 128L)));
  private static final List<TensorSpec> OUTPUTS =
      List.of(new TensorSpec("embedding", DataType.FP32, List.of(-1L, 384L)));
  private static final RequestMeta META = new RequestMeta("ci-bot", "bench", "recovery bench");

  private RecoveryBench() {}

  private record Row(
      String registry,
      String snapshots,
      long replayed,
      List<Long> recoveryMs,
      List<Long> firstReplyMs) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bench.root", "."));
    Path results = root.resolve("bench/target/results");
    Files.createDirectories(results);
    Path dataDir = Files.createTempDirectory("modelfleet-recoverybench-");
    List<Row> rows = new ArrayList<>();
    try {
      rows.addAll(
          run(
              "H2 file",
              ConfigFactory.parseMap(Map.of("modelfleet.data-dir", dataDir.toString())),
              dataDir));
      try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
        rows.addAll(
            run(
                "PostgreSQL (embedded)",
                ConfigFactory.parseMap(
                    Map.of(
                        "modelfleet.database.url",
                        pg.getJdbcUrl("postgres", "postgres"),
                        "modelfleet.database.user",
                        "postgres",
                        "modelfleet.database.password",
                        "postgres")),
                dataDir));
      }
    } finally {
      // The H2 file of 200,000 events is some 180 MB.
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("Registry recovery, ")
        .append(Instant.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, one model with ")
        .append(String.format("%,d", EVENTS))
        .append(" events, ")
        .append(RUNS)
        .append(" runs each (median, min–max)\n\n");
    out.append(
            "| Registry | Snapshots | Events replayed | Recovery ms | Fresh actor system to first reply ms |\n")
        .append("|---|---|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              "| %s | %s | %,d | %s | %s |%n",
              r.registry(),
              r.snapshots(),
              r.replayed(),
              spread(r.recoveryMs()),
              spread(r.firstReplyMs())));
    }
    System.out.print(out);
    Files.writeString(results.resolve("recovery.md"), out);
  }

  private static List<Row> run(String registry, Config dbConfig, Path dataDir) throws Exception {
    Config base =
        dbConfig
            .withFallback(
                ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING"))
            .withFallback(ConfigFactory.load());
    DatabaseSettings db = DatabaseSettings.fromConfig(base, dataDir);
    DatabaseSchema.ensure(db);
    Config config = db.pekkoOverrides().withFallback(base);
    RegistrySettings on = RegistrySettings.fromConfig(config);
    RegistrySettings off = new RegistrySettings(0, on.keepSnapshots());
    int every = on.snapshotEvery();
    if (every < 1 || EVENTS < 3 * every) {
      throw new IllegalArgumentException(
          "needs modelfleet.registry.snapshot-every > 0 and bench.recovery.events >= 3 × it");
    }
    long start = System.nanoTime();
    write("before", off, every, config);
    write("after", on, every, config);
    progress(
        registry
            + ": wrote 2 × "
            + EVENTS
            + " events in "
            + (System.nanoTime() - start) / 1_000_000_000
            + " s");
    expectNewestSnapshot(db, "before", 0);
    expectNewestSnapshot(db, "after", EVENTS - every);

    List<Long> beforeMs = new ArrayList<>();
    List<Long> beforeFirst = new ArrayList<>();
    List<Long> afterMs = new ArrayList<>();
    List<Long> afterFirst = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      ModelView before = recover("before", off, config, beforeMs, beforeFirst);
      ModelView after = recover("after", on, config, afterMs, afterFirst);
      if (!before.versions().equals(after.versions())
          || !before.deployments().equals(after.deployments())
          || before.placements().size() != after.placements().size()) {
        throw new IllegalStateException(
            "the two models recovered to different states: " + before + " / " + after);
      }
      progress(
          registry
              + " run "
              + (i + 1)
              + ": "
              + beforeMs.get(i)
              + " ms without, "
              + afterMs.get(i)
              + " ms with snapshots");
    }
    return List.of(
        new Row(registry, "off (as before)", EVENTS, beforeMs, beforeFirst),
        new Row(
            registry,
            String.format("every %d (newest at %,d)", every, EVENTS - every),
            every,
            afterMs,
            afterFirst));
  }

  /**
   * Writes {@link #EVENTS} events for {@code model}: all but the last {@code 2 × every − 1} through
   * the filler, then {@code 2 × every − 1} deployment changes through the registry entity with
   * {@code settings} (with snapshots on, the last snapshot lands {@code every − 1} events before
   * the end), then one last event through the filler, so that the entity's newest snapshot is
   * followed by {@code every} events: the most a recovery replays after one.
   */
  private static void write(String model, RegistrySettings settings, int every, Config config)
      throws Exception {
    int viaEntity = 2 * every - 1;
    int filled = EVENTS - viaEntity - 1;
    withSystem(
        config,
        system -> {
          ActorRef<JournalFiller.Fill> filler =
              system.systemActorOf(JournalFiller.create(model), "filler", Props.empty());
          for (int from = 1; from <= filled; from += BATCH) {
            List<ModelEvent> batch = new ArrayList<>();
            for (int seq = from; seq < from + BATCH && seq <= filled; seq++) {
              batch.add(event(model, seq));
            }
            RecoveryBench.<JournalFiller.Fill, Done>ask(
                system, filler, r -> new JournalFiller.Fill(batch, r));
          }
          return null;
        });
    withSystem(
        config,
        system -> {
          ActorRef<ModelCommand> entity =
              system.systemActorOf(ModelEntity.create(model, settings), model, Props.empty());
          String version = latestVersion(filled);
          for (int i = 0; i < viaEntity; i++) {
            DeploymentSpec spec =
                deployment(version, 5 + i % 2); // the filler deploys 1-4: every command is a change
            RecoveryBench.<ModelCommand, ModelReply>ask(
                system, entity, r -> new ModelCommand.Deploy(spec, META, r));
          }
          return null;
        });
    withSystem(
        config,
        system -> {
          ActorRef<JournalFiller.Fill> filler =
              system.systemActorOf(JournalFiller.create(model), "filler", Props.empty());
          RecoveryBench.<JournalFiller.Fill, Done>ask(
              system, filler, r -> new JournalFiller.Fill(List.of(event(model, EVENTS)), r));
          return null;
        });
  }

  private static void expectNewestSnapshot(DatabaseSettings db, String model, long seq)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement st =
            c.prepareStatement(
                "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = ?")) {
      st.setString(1, ModelEntity.persistenceId(model).id());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        if (rs.getLong(1) != seq) {
          throw new IllegalStateException(
              model + ": newest snapshot at " + rs.getLong(1) + ", expected " + seq);
        }
      }
    }
  }

  /**
   * Fresh actor system, one small model recovered to open the journal, then {@code model} timed to
   * its first reply.
   */
  private static ModelView recover(
      String model,
      RegistrySettings settings,
      Config config,
      List<Long> recoveryMs,
      List<Long> firstReplyMs)
      throws Exception {
    long created = System.nanoTime();
    return withSystem(
        config,
        system -> {
          ActorRef<ModelCommand> warm =
              system.systemActorOf(
                  ModelEntity.create("warm-up", settings), "warm-up", Props.empty());
          ask(system, warm, ModelCommand.GetModel::new);
          long spawned = System.nanoTime();
          ActorRef<ModelCommand> entity =
              system.systemActorOf(ModelEntity.create(model, settings), model, Props.empty());
          ModelReply reply = ask(system, entity, ModelCommand.GetModel::new);
          long answered = System.nanoTime();
          recoveryMs.add((answered - spawned) / 1_000_000);
          firstReplyMs.add((answered - created) / 1_000_000);
          if (!(reply instanceof ModelReply.Current current) || !current.model().exists()) {
            throw new IllegalStateException(model + " did not recover: " + reply);
          }
          return current.model();
        });
  }

  /**
   * Event {@code seq} of a long-lived model: a new version every 1,000 events, the deployment moved
   * to it and the previous one removed, then deployment changes and replica placements.
   */
  private static ModelEvent event(String model, int seq) {
    int k = (seq - 1) / BATCH + 1;
    String version = String.valueOf(k);
    EventMeta meta =
        new EventMeta(
            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq), "ci-bot", "req-" + seq, null);
    int inBlock = (seq - 1) % BATCH;
    if (inBlock == 0) {
      byte[] digest = new byte[32];
      Arrays.fill(digest, (byte) k);
      return new ModelEvent.VersionRegistered(
          new VersionInfo(
              version,
              "sha256:" + HexFormat.of().formatHex(digest),
              90_000_000L + k,
              INPUTS,
              OUTPUTS,
              meta.at(),
              "ci-bot"),
          meta);
    }
    if (inBlock == 1 && k > 1) {
      return new ModelEvent.DeploymentRemoved(String.valueOf(k - 1), meta);
    }
    if (inBlock % 3 == 0) {
      return new ModelEvent.ReplicaPlaced(
          new ReplicaPlacement(model + "/" + version + "/" + (seq % 4), "node-" + (seq % 3), "cpu"),
          meta);
    }
    return new ModelEvent.DeploymentSet(deployment(version, 1 + seq % 4), meta);
  }

  private static String latestVersion(int events) {
    return String.valueOf((events - 1) / BATCH + 1);
  }

  private static DeploymentSpec deployment(String version, int replicas) {
    return new DeploymentSpec(
        version,
        replicas,
        DeviceKind.CPU,
        new BatchingSpec(8, true, List.of(4), 100, 64),
        new SessionSpec(2, 1, "all", null));
  }

  private interface InSystem<T> {
    T run(ActorSystem<Void> system) throws Exception;
  }

  private static <T> T withSystem(Config config, InSystem<T> body) throws Exception {
    Behavior<Void> empty = Behaviors.empty();
    ActorSystem<Void> system = ActorSystem.create(empty, "recovery-bench", config);
    try {
      return body.run(system);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }

  private static <C, R> R ask(
      ActorSystem<Void> system, ActorRef<C> to, Function<ActorRef<R>, C> message) throws Exception {
    return AskPattern.ask(to, message::apply, ASK, system.scheduler()).toCompletableFuture().get();
  }

  private static String spread(List<Long> ms) {
    List<Long> sorted = ms.stream().sorted().toList();
    return String.format(
        "%,d (%,d–%,d)",
        sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
  }

  private static void progress(String line) {
    System.err.println("[recovery] " + line);
  }
}
