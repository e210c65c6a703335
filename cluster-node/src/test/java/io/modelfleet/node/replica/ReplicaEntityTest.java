package io.modelfleet.node.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.node.device.DeviceInventory;
import io.modelfleet.node.ort.OrtRuntime;
import io.modelfleet.node.ort.OrtSettings;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.persistence.artifact.ArtifactRepaired;
import io.modelfleet.persistence.artifact.ArtifactStore;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ModelView;
import io.modelfleet.protocol.model.SessionSpec;
import io.modelfleet.protocol.model.VersionInfo;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.replica.InferReply;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaCommand;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.replica.ReplicaStats;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replica actor on a one-node cluster (its directory and placement map are Distributed Data),
 * with a probe for the model registry and one for its shard, and a real ONNX session of a model
 * built in code. Asserts what gateways and the controller see: the directory entry, the replies,
 * the passivation.
 */
class ReplicaEntityTest {
  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      modelfleet.devices.mode = cpu-only
      """)
          .withFallback(ConfigFactory.load());
  private static final ActorTestKit kit = ActorTestKit.create(CONFIG);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final float[][] W = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
  private static final float[] B = {0.5f, -0.5f};
  private static final byte[] LINEAR = TestModels.linear(W, B);
  private static final String DIGEST = digestOf(LINEAR);

  private static ExecutorService ortExecutor;
  private static Path storeDir;
  private static String node;

  @BeforeAll
  static void joinSelf() throws IOException {
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(MemberStatus.up(), cluster.selfMember().status());
              return null;
            });
    node = cluster.selfMember().address().toString();
    ortExecutor = Executors.newFixedThreadPool(2);
    storeDir = Files.createTempDirectory("replica-entity-test");
  }

  @AfterAll
  static void shutDown() throws InterruptedException {
    kit.shutdownTestKit();
    ortExecutor.shutdown();
    ortExecutor.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * A replica's collaborators: a store of its own, so one test's artifacts do not help another's.
   */
  private static ReplicaContext context(String name, Duration minBackoff) throws IOException {
    ArtifactStore store =
        ArtifactStore.open(Files.createDirectories(storeDir.resolve(name)), 1 << 20);
    ReplicaSettings settings =
        new ReplicaSettings(
            minBackoff,
            minBackoff.multipliedBy(4),
            0,
            Duration.ofSeconds(20),
            Duration.ofSeconds(3));
    return new ReplicaContext(
        store,
        null,
        DeviceInventory.fromConfig(CONFIG),
        OrtRuntime.environment(),
        OrtSettings.fromConfig(CONFIG),
        settings,
        ortExecutor,
        node);
  }

  private static ReplicaContext contextWithModel(String name) throws IOException {
    ReplicaContext rc = context(name, Duration.ofMillis(200));
    rc.store().storeVerified(DIGEST, new ByteArrayInputStream(LINEAR));
    return rc;
  }

  /**
   * The registry probe's model: version "1" of the linear model, deployed as {@code deployment}.
   */
  private static ModelView model(String name, DeploymentSpec deployment) {
    VersionInfo v =
        new VersionInfo("1", DIGEST, LINEAR.length, List.of(), List.of(), Instant.now(), "test");
    return new ModelView(
        name, Map.of("1", v), deployment == null ? Map.of() : Map.of("1", deployment), Map.of());
  }

  private static ModelRegistry registry(TestProbe<ModelCommand> probe) {
    return (model, command, timeout) ->
        AskPattern.ask(probe.ref(), command, timeout, kit.system().scheduler());
  }

  private static void answerGetModel(TestProbe<ModelCommand> registry, ModelReply reply) {
    registry.expectMessageClass(ModelCommand.GetModel.class, WAIT).replyTo().tell(reply);
  }

  private static Optional<ReplicaInfo> entry(String replicaId) throws Exception {
    Replicator.GetResponse<LWWMap<String, ReplicaInfo>> rsp =
        AskPattern.ask(
                DistributedData.get(kit.system()).replicator(),
                (ActorRef<Replicator.GetResponse<LWWMap<String, ReplicaInfo>>> replyTo) ->
                    new Replicator.Get<>(ReplicaDirectoryKey.KEY, Replicator.readLocal(), replyTo),
                Duration.ofSeconds(3),
                kit.system().scheduler())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    return rsp instanceof Replicator.GetSuccess<LWWMap<String, ReplicaInfo>> ok
        ? Optional.ofNullable(ok.get(ReplicaDirectoryKey.KEY).getEntries().get(replicaId))
        : Optional.empty();
  }

  private static ReplicaInfo awaitState(String replicaId, ReplicaState state) {
    return kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              ReplicaInfo info =
                  entry(replicaId)
                      .orElseThrow(
                          () -> new AssertionError(replicaId + " is not in the directory"));
              assertEquals(state, info.state(), () -> replicaId + ": " + info);
              return info;
            });
  }

  private static void awaitRemoved(String replicaId) {
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(Optional.empty(), entry(replicaId));
              return null;
            });
  }

  private static Tensor row(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return new Tensor("x", DataType.FP32, new long[] {1, values.length}, b.array());
  }

  private static float[] floats(Tensor t) {
    ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[t.data().length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }

  private static InferRequest request(String id) {
    return new InferRequest(id, List.of(row(1, 0, 2, -1)), List.of());
  }

  private static void assertAnswered(InferReply reply) {
    InferReply.InferResult result = assertInstanceOf(InferReply.InferResult.class, reply);
    assertArrayEquals(
        TestModels.linearExpected(W, B, new float[] {1, 0, 2, -1}),
        floats(result.outputs().get(0)),
        1e-5f);
  }

  private static String digestOf(byte[] bytes) {
    try {
      return ArtifactStore.DIGEST_PREFIX
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void loadsTheModelBecomesReadyAndAnswersInferences() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    var replica =
        kit.spawn(
            ReplicaEntity.create(
                "serving/1/0", shard.ref(), contextWithModel("serving"), registry(registry)));

    answerGetModel(
        registry,
        new ModelReply.Current(model("serving", new DeploymentSpec("1", 1, DeviceKind.AUTO))));
    ModelCommand.RecordPlacement placed =
        registry.expectMessageClass(ModelCommand.RecordPlacement.class, WAIT);
    assertEquals("serving/1/0", placed.placement().replicaId());
    assertEquals(node, placed.placement().node());
    assertEquals("cpu", placed.placement().device());

    ReplicaInfo ready = awaitState("serving/1/0", ReplicaState.READY);
    assertEquals("cpu", ready.device());
    assertNull(ready.reason());
    assertTrue(ready.footprintBytes() > 0);

    TestProbe<InferReply> caller = kit.createTestProbe();
    ready.ref().tell(new ReplicaCommand.Infer(request("r1"), caller.ref()));
    assertAnswered(caller.receiveMessage(WAIT));

    // The caller is answered from the ORT thread before the execution's bookkeeping reaches the
    // actor, so the statistics may lag the answer by a message: ask until they show it.
    TestProbe<ReplicaStats> stats = kit.createTestProbe();
    ReplicaStats s = null;
    long end = System.nanoTime() + WAIT.toNanos();
    do {
      replica.tell(new ReplicaCommand.GetStats(stats.ref()));
      s = stats.receiveMessage(WAIT);
    } while (s.inferenceCount() == 0 && System.nanoTime() < end);
    assertEquals(1, s.inferenceCount());
    assertEquals(1, s.success().count());
  }

  @Test
  void aRegistryThatCannotBeReadFailsTheReplicaWhichRetriesWithBackoff() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    var replica =
        kit.spawn(
            ReplicaEntity.create(
                "flaky/1/0", shard.ref(), contextWithModel("flaky"), registry(registry)));

    answerGetModel(
        registry,
        new ModelReply.Rejected(ModelReply.Rejected.Kind.NOT_FOUND, "the registry is elsewhere"));
    ReplicaInfo failed = awaitState("flaky/1/0", ReplicaState.FAILED);
    assertTrue(failed.reason().startsWith("cannot read the model registry: "), failed.reason());
    assertTrue(failed.reason().contains("(attempt 1, next retry in 200 ms)"), failed.reason());

    TestProbe<InferReply> caller = kit.createTestProbe();
    replica.tell(new ReplicaCommand.Infer(request("early"), caller.ref()));
    assertEquals(
        InferReply.InferFailure.leaving("replica flaky/1/0 is FAILED"),
        caller.receiveMessage(WAIT));

    // The backoff doubles: the second failure waits 400 ms.
    answerGetModel(
        registry, new ModelReply.Rejected(ModelReply.Rejected.Kind.NOT_FOUND, "still elsewhere"));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertTrue(
                  entry("flaky/1/0")
                      .orElseThrow()
                      .reason()
                      .contains("(attempt 2, next retry in 400 ms)"));
              return null;
            });

    answerGetModel(
        registry,
        new ModelReply.Current(model("flaky", new DeploymentSpec("1", 1, DeviceKind.CPU))));
    awaitState("flaky/1/0", ReplicaState.READY);
    shard.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void retireWaitsForTheRequestsInFlightThenPassivates() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    var replica =
        kit.spawn(
            ReplicaEntity.create(
                "retired/1/0", shard.ref(), contextWithModel("retired"), registry(registry)));
    // A lone request waits up to 1.5 s for company: in flight while the replica is told to retire.
    BatchingSpec batching = new BatchingSpec(4, true, List.of(), 1_500_000, 16);
    answerGetModel(
        registry,
        new ModelReply.Current(
            model(
                "retired",
                new DeploymentSpec("1", 1, DeviceKind.CPU, batching, SessionSpec.DEFAULTS))));
    awaitState("retired/1/0", ReplicaState.READY);

    TestProbe<InferReply> inFlight = kit.createTestProbe();
    replica.tell(new ReplicaCommand.Infer(request("queued"), inFlight.ref()));
    replica.tell(new ReplicaCommand.Retire("version undeployed"));
    awaitState("retired/1/0", ReplicaState.DRAINING);

    TestProbe<InferReply> late = kit.createTestProbe();
    replica.tell(new ReplicaCommand.Infer(request("late"), late.ref()));
    assertEquals(
        InferReply.InferFailure.leaving("replica retired/1/0 is DRAINING"),
        late.receiveMessage(WAIT));
    shard.expectNoMessage(Duration.ofMillis(200));

    assertAnswered(inFlight.receiveMessage(WAIT));
    assertEquals(
        new ClusterSharding.Passivate<>(replica),
        shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT));
    awaitRemoved("retired/1/0");

    replica.tell(new ReplicaCommand.Infer(request("after"), late.ref()));
    assertEquals(
        InferReply.InferFailure.leaving("replica retired/1/0 is stopping"),
        late.receiveMessage(WAIT));
    replica.tell(new ReplicaCommand.Shutdown());
    late.expectTerminated(replica, WAIT);
  }

  @Test
  void shardingsShutdownStopsAReadyReplicaWithoutPassivating() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    var replica =
        kit.spawn(
            ReplicaEntity.create(
                "moved/1/0", shard.ref(), contextWithModel("moved"), registry(registry)));
    answerGetModel(
        registry,
        new ModelReply.Current(model("moved", new DeploymentSpec("1", 1, DeviceKind.CPU))));
    awaitState("moved/1/0", ReplicaState.READY);

    replica.tell(new ReplicaCommand.Shutdown());
    shard.expectTerminated(replica, WAIT);
    awaitRemoved("moved/1/0");
    shard.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aReplicaNoDeploymentWantsRetiresItself() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    // Index 2 of a deployment of 2 replicas: scaled down while this one was starting.
    var replica =
        kit.spawn(
            ReplicaEntity.create(
                "scaled/1/2", shard.ref(), contextWithModel("scaled"), registry(registry)));
    answerGetModel(
        registry,
        new ModelReply.Current(model("scaled", new DeploymentSpec("1", 2, DeviceKind.CPU))));

    assertEquals(
        new ClusterSharding.Passivate<>(replica),
        shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT));
    assertEquals(Optional.empty(), entry("scaled/1/2"));
    registry.expectNoMessage(Duration.ofMillis(100));
    replica.tell(new ReplicaCommand.Shutdown());
    shard.expectTerminated(replica, WAIT);
  }

  @Test
  void aFailingWarmUpSampleOfTheDeploymentIsALoadFailure() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    kit.spawn(
        ReplicaEntity.create(
            "warm/1/0", shard.ref(), contextWithModel("warm"), registry(registry)));
    // Three columns where the model takes four.
    WarmupSample wrong =
        new WarmupSample(
            "narrow",
            1,
            1,
            List.of(
                new WarmupSample.Input(
                    "x", DataType.FP32, new long[] {1, 3}, WarmupSample.Fill.ZERO, null)));
    answerGetModel(
        registry,
        new ModelReply.Current(
            model(
                "warm",
                new DeploymentSpec(
                    "1",
                    1,
                    DeviceKind.CPU,
                    BatchingSpec.NONE,
                    SessionSpec.DEFAULTS,
                    List.of(wrong)))));

    ReplicaInfo failed = awaitState("warm/1/0", ReplicaState.FAILED);
    assertTrue(failed.reason().startsWith("warm-up sample 'narrow' failed: "), failed.reason());
    assertEquals("cpu", failed.device());
  }

  @Test
  void aRepairedArtifactIsRetriedAtOnceNotAfterTheBackoff() throws Exception {
    TestProbe<ModelCommand> registry = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    ReplicaContext rc = context("repaired", Duration.ofMinutes(10));
    kit.spawn(ReplicaEntity.create("repaired/1/0", shard.ref(), rc, registry(registry)));
    answerGetModel(
        registry,
        new ModelReply.Current(model("repaired", new DeploymentSpec("1", 1, DeviceKind.CPU))));
    registry.expectMessageClass(ModelCommand.RecordPlacement.class, WAIT);
    ReplicaInfo failed = awaitState("repaired/1/0", ReplicaState.FAILED);
    assertTrue(failed.reason().contains("is missing from this node's store"), failed.reason());

    kit.system()
        .eventStream()
        .tell(new EventStream.Publish<>(new ArtifactRepaired(digestOf(new byte[] {1}))));
    registry.expectNoMessage(Duration.ofMillis(300));

    rc.store().storeVerified(DIGEST, new ByteArrayInputStream(LINEAR));
    kit.system().eventStream().tell(new EventStream.Publish<>(new ArtifactRepaired(DIGEST)));
    answerGetModel(
        registry,
        new ModelReply.Current(model("repaired", new DeploymentSpec("1", 1, DeviceKind.CPU))));
    ReplicaInfo ready = awaitState("repaired/1/0", ReplicaState.READY);
    assertNull(ready.reason());
  }
}
