package io.modelfleet.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.modelfleet.gateway.GatewayServer;
import io.modelfleet.gateway.GatewaySettings;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.cluster.ClusterKeys;
import io.modelfleet.protocol.cluster.DeviceInfo;
import io.modelfleet.protocol.cluster.DrainReply;
import io.modelfleet.protocol.cluster.NodeInfo;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.replica.ReplicaDirectoryKey;
import io.modelfleet.protocol.replica.ReplicaInfo;
import io.modelfleet.protocol.replica.ReplicaState;
import io.modelfleet.protocol.service.MemberDrains;
import io.modelfleet.protocol.service.ModelCatalog;
import io.modelfleet.protocol.service.ModelUploads;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster endpoints of a gateway on a one-node cluster in this JVM. */
class ClusterRoutesTest {

  private static final String CONFIG =
      """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.distributed-data.notify-subscribers-interval = 50ms
      pekko.loglevel = WARNING
      modelfleet.gateway.host = "127.0.0.1"
      modelfleet.gateway.port = 0
      modelfleet.gateway.grpc.port = 0
      # These tests are about the cluster routes; access control has its own.
      modelfleet.security.mode = off
      """;

  private static ActorSystem<Void> system;
  private static GatewayServer gateway;
  private static String self;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "modelfleet",
            ConfigFactory.parseString(CONFIG).withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    self = cluster.selfMember().address().toString();
    ModelUploads uploads =
        (m, v, body, meta) -> CompletableFuture.failedFuture(new UnsupportedOperationException());
    ModelCatalog catalog =
        new ModelCatalog() {
          @Override
          public CompletionStage<List<String>> modelNames() {
            return CompletableFuture.completedFuture(List.of());
          }

          @Override
          public CompletionStage<List<HistoryEntry>> history(String m) {
            return CompletableFuture.completedFuture(List.of());
          }
        };
    gateway =
        GatewayServer.start(
                system,
                GatewaySettings.fromConfig(system.settings().config()),
                uploads,
                catalog,
                new LocalDrains())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    await(() -> cluster.selfMember().status().equals(MemberStatus.up()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void membersShowTheNodeWithItsPublishedDevices() throws Exception {
    SelfUniqueAddress node = DistributedData.get(system).selfUniqueAddress();
    DeviceInfo cpu = new DeviceInfo("cpu", "cpu", "cpu", null, 0, 0, -1, false);
    DistributedData.get(system)
        .replicator()
        .tell(
            new Replicator.Update<>(
                ClusterKeys.NODES,
                LWWMap.empty(),
                Replicator.writeLocal(),
                system.ignoreRef(),
                m -> m.put(node, self, new NodeInfo(self, List.of("worker"), List.of(cpu), 1L))));

    JsonNode member =
        awaitJson(
                "/v1/cluster/members",
                body -> body.get("members").get(0).get("devices").size() == 1)
            .get("members")
            .get(0);
    assertEquals(self, member.get("address").asText());
    assertEquals("Up", member.get("status").asText());
    assertEquals(true, member.get("reachable").asBoolean());
    assertEquals(true, member.get("leader").asBoolean());
    assertEquals(true, member.get("oldest").asBoolean());
    assertEquals(false, member.get("draining").asBoolean());
    assertEquals("cpu", member.get("devices").get(0).get("kind").asText());
    assertEquals(0, member.get("roles").size(), "Pekko's dc-default role is not shown");
  }

  @Test
  void replicasListOnlyThoseOfMembers() throws Exception {
    String gone = "pekko://modelfleet@127.0.0.1:1";
    publish(
        new ReplicaInfo(
            "r/1/0", "r", "1", self, "cpu", ReplicaState.LOADING, null, null, 1L, 96L << 20));
    publish(
        new ReplicaInfo("r/1/1", "r", "1", gone, "cpu", ReplicaState.READY, null, null, 1L, 0L));
    JsonNode replicas =
        awaitJson("/v1/cluster/replicas", body -> body.get("replicas").size() > 0).get("replicas");
    assertEquals(1, replicas.size());
    assertEquals("r/1/0", replicas.get(0).get("id").asText());
    assertEquals("LOADING", replicas.get(0).get("state").asText());
    assertEquals(0, replicas.get(0).get("in_flight").asInt());
    assertEquals(96L << 20, replicas.get(0).get("footprint_bytes").asLong());
    assertTrue(
        replicas.get(0).get("footprint").asText().startsWith("estimated"), replicas.toString());
  }

  @Test
  void drainAcceptsTheEncodedAddressAndShowsTheMemberDraining() throws Exception {
    HttpResponse<String> r =
        post("/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/drain");
    assertEquals(202, r.statusCode(), r.body());
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertEquals(self, body.get("address").asText());
    assertEquals(true, body.get("draining").asBoolean());
    assertEquals(
        true, getJson("/v1/cluster/members").get("members").get(0).get("draining").asBoolean());

    Replicator.GetResponse<ORSet<String>> stored =
        AskPattern.<Replicator.Command, Replicator.GetResponse<ORSet<String>>>ask(
                DistributedData.get(system).replicator(),
                replyTo ->
                    new Replicator.Get<>(ClusterKeys.DRAINING, Replicator.readLocal(), replyTo),
                Duration.ofSeconds(3),
                system.scheduler())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertTrue(
        stored instanceof Replicator.GetSuccess<ORSet<String>> found
            && found.get(ClusterKeys.DRAINING).getElements().contains(self),
        stored.toString());
  }

  @Test
  void drainAcceptsTheShortHostPortForm() throws Exception {
    String hostPort = self.substring(self.indexOf('@') + 1);
    HttpResponse<String> r = post("/v1/cluster/members/" + hostPort + "/drain");
    assertEquals(202, r.statusCode(), r.body());
    assertEquals(self, Json.MAPPER.readTree(r.body()).get("address").asText());
  }

  @Test
  void aDrainCanBeCancelled() throws Exception {
    String path =
        "/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/drain";
    assertEquals(202, post(path).statusCode());
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(path)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertEquals(self, body.get("address").asText());
    assertEquals(false, body.get("draining").asBoolean());
    assertTrue(body.get("message").asText().startsWith("the drain is cancelled"), r.body());
    assertEquals(
        false, getJson("/v1/cluster/members").get("members").get(0).get("draining").asBoolean());
  }

  @Test
  void aDrainTheControllerDoesNotConfirmIsA503ThatSaysItMayStillHappen() throws Exception {
    LocalDrains.silent = true;
    try {
      HttpResponse<String> r =
          post("/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/drain");
      assertEquals(503, r.statusCode(), r.body());
      String error = Json.MAPPER.readTree(r.body()).get("error").asText();
      assertTrue(
          error.contains("did not confirm") && error.contains("may still take effect"), error);
    } finally {
      LocalDrains.silent = false;
    }
  }

  @Test
  void anUnknownMemberIsA404NamingTheMembers() throws Exception {
    HttpResponse<String> r = post("/v1/cluster/members/127.0.0.1:1/leave");
    assertEquals(404, r.statusCode());
    assertEquals(
        "no member 127.0.0.1:1; members: [" + self + "]",
        Json.MAPPER.readTree(r.body()).get("error").asText());
  }

  /** Stands in for the deployment controller, which owns the draining set: writes it locally. */
  private static final class LocalDrains implements MemberDrains {
    /**
     * When set, the controller is away: every ask ends as the singleton proxy's would, timed out.
     */
    static volatile boolean silent;

    @Override
    public CompletionStage<DrainReply> drain(String address) {
      if (silent) {
        return CompletableFuture.failedFuture(new TimeoutException("ask timed out after 5000 ms"));
      }
      return write(address, true);
    }

    @Override
    public CompletionStage<DrainReply> cancelDrain(String address) {
      return write(address, false);
    }

    private static CompletionStage<DrainReply> write(String address, boolean add) {
      SelfUniqueAddress node = DistributedData.get(system).selfUniqueAddress();
      return AskPattern.<Replicator.Command, Replicator.UpdateResponse<ORSet<String>>>ask(
              DistributedData.get(system).replicator(),
              replyTo ->
                  new Replicator.Update<>(
                      ClusterKeys.DRAINING,
                      ORSet.<String>empty(),
                      Replicator.writeLocal(),
                      replyTo,
                      set -> add ? set.add(node, address) : set.remove(node, address)),
              Duration.ofSeconds(3),
              system.scheduler())
          .thenApply(reply -> new DrainReply.Written(address));
    }
  }

  private static void publish(ReplicaInfo info) {
    SelfUniqueAddress node = DistributedData.get(system).selfUniqueAddress();
    DistributedData.get(system)
        .replicator()
        .tell(
            new Replicator.Update<>(
                ReplicaDirectoryKey.KEY,
                LWWMap.empty(),
                Replicator.writeLocal(),
                system.ignoreRef(),
                m -> m.put(node, info.replicaId(), info)));
  }

  private static HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }

  private static JsonNode awaitJson(String path, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode body = getJson(path);
    while (!done.test(body) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      body = getJson(path);
    }
    return body;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.localAddress().getPort() + path);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
