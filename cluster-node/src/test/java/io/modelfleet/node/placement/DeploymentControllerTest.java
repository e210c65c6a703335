package io.modelfleet.node.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.node.cluster.Directories;
import io.modelfleet.node.replica.ReplicaStarter;
import io.modelfleet.persistence.registry.ModelEntity;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.ControllerCommand;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.ReplicaPlacement;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.TensorSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.ReplicatedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment controller as an actor, on a one-node cluster in this JVM: it follows the
 * registry's journal (the persistence test kit's, through its EventsByTagQuery), reads the model
 * from a real ModelEntity, places and starts its replicas through the node's replica starter (a
 * probe here), and owns the draining set.
 */
class DeploymentControllerTest {
  private static final String CLUSTER =
      """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.roles = ["worker"]
      pekko.cluster.distributed-data.notify-subscribers-interval = 100ms
      pekko.loglevel = INFO
      modelfleet.controller.debounce = 300ms
      modelfleet.controller.resync-interval = 1s
      """;
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RequestMeta META = new RequestMeta("test", "req-1", null);

  private static ActorTestKit kit;
  private static ActorSystem<Void> system;
  private static String self;
  private static TestProbe<ReplicaStarter.Start> starter;
  private static ActorRef<ControllerCommand> controller;

  @BeforeAll
  static void start() throws Exception {
    Config config =
        ConfigFactory.parseString(CLUSTER)
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("modelfleet", config);
    system = kit.system();
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    self = cluster.selfMember().address().toString();
    await(() -> cluster.selfMember().status().equals(MemberStatus.up()));
    ModelEntity.initSharding(system, "worker");

    starter = kit.createTestProbe(ReplicaStarter.Start.class);
    system.receptionist().tell(Receptionist.register(ReplicaStarter.KEY, starter.ref()));
    TestProbe<Receptionist.Listing> listing = kit.createTestProbe(Receptionist.Listing.class);
    system.receptionist().tell(Receptionist.subscribe(ReplicaStarter.KEY, listing.ref()));
    listing.fishForMessage(
        WAIT,
        l ->
            l.getServiceInstances(ReplicaStarter.KEY).isEmpty()
                ? FishingOutcomes.continueAndIgnore()
                : FishingOutcomes.complete());
    new Directories(system)
        .putNode(
            new NodeInfo(
                self,
                List.of("worker"),
                List.of(new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false)),
                System.currentTimeMillis()));

    PersistenceTestKitReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(
                PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    controller =
        kit.spawn(
            DeploymentController.create(
                journal, ControllerSettings.fromConfig(config), Duration.ofSeconds(3)),
            "deployment-controller");
  }

  @AfterAll
  static void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aDeployedModelInTheJournalIsPlacedAndStartedOnTheWorker() throws Exception {
    var model = ClusterSharding.get(system).entityRefFor(ModelCommand.TYPE_KEY, "m");
    List<TensorSpec> io = List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 4L)));
    ModelReply registered =
        model
            .<ModelReply>ask(
                r ->
                    new ModelCommand.RegisterVersion(
                        "1", "sha256:" + "a".repeat(64), 42, io, io, META, r),
                WAIT)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertInstanceOf(ModelReply.Registered.class, registered);
    ModelReply deployed =
        model
            .<ModelReply>ask(
                r -> new ModelCommand.Deploy(new DeploymentSpec("1", 1, DeviceKind.CPU), META, r),
                WAIT)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertInstanceOf(ModelReply.Current.class, deployed);

    ReplicaPlacement where = new ReplicaPlacement("m/1/0", self, "cpu");
    starter.expectMessage(WAIT, new ReplicaStarter.Start("m/1/0", where));
    LWWMap<String, ReplicaPlacement> placements = read(ClusterKeys.PLACEMENTS);
    assertEquals(
        where, placements.getEntries().get("m/1/0"), "the device is recorded in the placement map");
  }

  @Test
  void aDrainIsWrittenToTheDrainingSetAndAnswered() throws Exception {
    String member = "pekko://modelfleet@127.0.0.1:1";
    TestProbe<DrainReply> reply = kit.createTestProbe(DrainReply.class);
    controller.tell(new ControllerCommand.Drain(member, reply.ref()));
    reply.expectMessage(WAIT, new DrainReply.Written(member));
    assertTrue(draining().contains(member), "the controller replies once the set holds the member");
    // Nothing runs on that address, so the controller finds it drained, asks it to leave and drops
    // it.
    await(() -> !draining().contains(member));
  }

  @Test
  void aCancelledDrainLeavesTheDrainingSet() throws Exception {
    String member = "pekko://modelfleet@127.0.0.1:2";
    TestProbe<DrainReply> reply = kit.createTestProbe(DrainReply.class);
    controller.tell(new ControllerCommand.Drain(member, reply.ref()));
    reply.expectMessage(WAIT, new DrainReply.Written(member));
    controller.tell(new ControllerCommand.CancelDrain(member, reply.ref()));
    reply.expectMessage(WAIT, new DrainReply.Written(member));
    assertFalse(draining().contains(member));
  }

  @Test
  void drainMessagesCrossNodes() {
    TestProbe<DrainReply> reply = kit.createTestProbe(DrainReply.class);
    kit.serializationTestKit()
        .verifySerialization(new ControllerCommand.Drain(self, reply.ref()), true);
    kit.serializationTestKit()
        .verifySerialization(new ControllerCommand.CancelDrain(self, reply.ref()), true);
    kit.serializationTestKit().verifySerialization(new DrainReply.WrittenLocally(self), true);
    kit.serializationTestKit().verifySerialization(new DrainReply.Failed(self, "no"), true);
  }

  private static Set<String> draining() {
    try {
      ORSet<String> set = read(ClusterKeys.DRAINING);
      return set == null ? Set.of() : set.getElements();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T extends ReplicatedData> T read(Key<T> key) throws Exception {
    Replicator.GetResponse<T> rsp =
        AskPattern.<Replicator.Command, Replicator.GetResponse<T>>ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
                Duration.ofSeconds(3),
                system.scheduler())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    return rsp instanceof Replicator.GetSuccess<T> ok ? ok.dataValue() : null;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }
}
