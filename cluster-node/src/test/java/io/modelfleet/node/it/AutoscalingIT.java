package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.LoadGenerator;
import io.modelfleet.node.testing.SlowModels;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Autoscaling on a real node: a load step scales a deployment up within its delays and back down
 * after it, draining, with every request answered; a min_replicas 0 deployment goes to zero after
 * its idle period, and the first request after that (HTTP, then gRPC) waits for a replica and is
 * answered. Every change is in the model's history with the numbers behind it.
 */
class AutoscalingIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final int WIDTH = 64;
  private static final int LAYERS = 8;
  private static final int ROWS = 3000;

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub grpc;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node =
        FleetNode.start(
            TestNodes.config(
                dataDir,
                Map.of(
                    "modelfleet.gateway.grpc.port", port,
                    "modelfleet.autoscaling.interval", "500ms",
                    "modelfleet.autoscaling.window", "1s",
                    "pekko.cluster.distributed-data.notify-subscribers-interval", "100ms")));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    grpc =
        GrpcIT.withKey(
            GRPCInferenceServiceGrpc.newBlockingStub(channel),
            io.modelfleet.node.testing.TestKeys.ADMIN);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  private static List<JsonNode> scaled(String model) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : http.get("/v1/models/" + model + "/history").json().get("events")) {
      if ("DeploymentScaled".equals(e.get("event").asText())) {
        out.add(e);
      }
    }
    return out;
  }

  private static Predicate<Http.Response> deployedReplicas(int n) {
    return r ->
        r.status() == 200
            && r.json().get("deployments").size() == 1
            && r.json().get("deployments").get(0).get("replicas").asInt() == n;
  }

  private static String seconds(long nanos) {
    return String.format("%.1f s", nanos / 1e9);
  }

  @Test
  void aLoadStepScalesUpAndBackDownWithoutAFailedRequest() throws Exception {
    assertEquals(
        201,
        http.put("/v1/models/busy/versions/1", SlowModels.tiledMatMuls(WIDTH, LAYERS)).status());
    Http.Response deployed =
        http.post(
            "/v1/models/busy/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"ort\":{\"intra_op_threads\":1},"
                + "\"autoscaling\":{\"min_replicas\":1,\"max_replicas\":3,\"target_in_flight\":1,"
                + "\"scale_up_delay\":\"2s\",\"scale_down_delay\":\"4s\"}}");
    assertEquals(202, deployed.status(), deployed.body());
    JsonNode settings = deployed.json().get("deployments").get(0).get("autoscaling");
    assertEquals(3, settings.get("max_replicas").asInt(), settings.toString());
    assertEquals("2s", settings.get("scale_up_delay").asText(), settings.toString());
    http.await("/v1/models/busy", readyReplicas("1", 1), READY);

    String url = http.base() + "/v2/models/busy/versions/1/infer";
    String body = SlowModels.request(WIDTH, ROWS);
    long t0 = System.nanoTime();
    long up;
    long down;
    long sent;
    long failed;
    try (LoadGenerator steady = new LoadGenerator(List.of(url), body, 1, Duration.ofSeconds(30))) {
      try (LoadGenerator step = new LoadGenerator(List.of(url), body, 7, Duration.ofSeconds(30))) {
        http.await("/v1/models/busy", readyReplicas("1", 3), READY);
        up = System.nanoTime() - t0;
        Thread.sleep(1000);
        step.stop();
        System.out.printf(
            "AutoscalingIT load step: 7+1 clients, %d sent, %d failed (%s); 1 -> 3 Ready in %s%n",
            step.total(), step.failed(), step.summary(), seconds(up));
        assertEquals(0, step.failed(), step.summary());
      }
      // One client's load asks for one replica: back to min_replicas, draining, under traffic.
      long t1 = System.nanoTime();
      http.await("/v1/models/busy", readyReplicas("1", 1), READY);
      down = System.nanoTime() - t1;
      Thread.sleep(500);
      steady.stop();
      sent = steady.total();
      failed = steady.failed();
      System.out.printf(
          "AutoscalingIT steady client (through the step and back down): %d sent, %d failed (%s);"
              + " 3 -> 1 in %s after the step stopped%n",
          sent, failed, steady.summary(), seconds(down));
      assertEquals(0, failed, steady.summary());
    }

    List<JsonNode> events = scaled("busy");
    assertTrue(events.size() >= 2, events.toString());
    JsonNode first = events.get(0);
    assertEquals("modelfleet-autoscaler", first.get("principal").asText());
    assertEquals(1, first.get("details").get("from").asInt(), first.toString());
    assertTrue(first.get("details").get("to").asInt() > 1, first.toString());
    String reason = first.get("reason").asText();
    assertTrue(reason.startsWith("in-flight ") && reason.contains("target 1 per replica"), reason);
    assertTrue(reason.contains("(scale_up_delay)"), reason);
    JsonNode last = events.get(events.size() - 1);
    assertEquals(1, last.get("details").get("to").asInt(), last.toString());
    assertTrue(last.get("reason").asText().contains("(scale_down_delay)"), last.toString());
    for (JsonNode e : events) {
      System.out.println("AutoscalingIT history: " + e.get("details") + " " + e.get("reason"));
    }
  }

  @Test
  void minReplicasZeroScalesToZeroAndTheFirstRequestWaitsForAReplica() {
    float[][] w = {{1f, 0f}, {0f, 1f}, {0f, 0f}};
    assertEquals(
        201,
        http.put("/v1/models/idle/versions/1", TestModels.linear(w, new float[] {1, 0})).status());
    Http.Response deployed =
        http.post(
            "/v1/models/idle/deployments",
            "{\"version\":\"1\",\"autoscaling\":{\"min_replicas\":0,\"max_replicas\":2,"
                + "\"target_in_flight\":1,\"scale_to_zero_after\":\"3s\"}}");
    assertEquals(202, deployed.status(), deployed.body());
    http.await("/v1/models/idle", readyReplicas("1", 1), READY);
    String request =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}";
    assertEquals(200, http.post("/v2/models/idle/infer", request).status());

    // Idle: to zero, and the deployment stays (replicas 0), with no replica left.
    long t0 = System.nanoTime();
    Http.Response zero = http.await("/v1/models/idle", deployedReplicas(0), READY);
    long toZero = System.nanoTime() - t0;
    http.await("/v1/models/idle", readyReplicas("1", 0), READY);
    assertEquals(
        0, zero.json().get("deployments").get(0).get("autoscaling").get("min_replicas").asInt());

    // The first request (the unversioned route: the only deployment) waits and is answered.
    long t1 = System.nanoTime();
    Http.Response first = http.post("/v2/models/idle/infer", request);
    long coldHttp = System.nanoTime() - t1;
    assertEquals(200, first.status(), first.body());
    assertEquals(2f, first.json().get("outputs").get(0).get("data").get(0).floatValue(), 1e-6);

    // Again over gRPC, naming the version.
    http.await("/v1/models/idle", deployedReplicas(0), READY);
    http.await("/v1/models/idle", readyReplicas("1", 0), READY);
    long t2 = System.nanoTime();
    var answer =
        grpc.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("idle")
                .setModelVersion("1")
                .addInputs(
                    ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(3))
                .addRawInputContents(ByteString.copyFrom(new byte[12]))
                .build());
    long coldGrpc = System.nanoTime() - t2;
    assertEquals("1", answer.getModelVersion());
    // And through an alias whose target is at zero.
    http.await("/v1/models/idle", deployedReplicas(0), READY);
    http.await("/v1/models/idle", readyReplicas("1", 0), READY);
    Http.Response alias =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(http.base() + "/v1/models/idle/aliases/stable"))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"version\":\"1\"}")));
    assertEquals(200, alias.status(), alias.body());
    long t3 = System.nanoTime();
    Http.Response viaAlias = http.post("/v2/models/idle/versions/stable/infer", request);
    long coldAlias = System.nanoTime() - t3;
    assertEquals(200, viaAlias.status(), viaAlias.body());
    System.out.printf(
        "AutoscalingIT scale to zero: 1 -> 0 %s after the last request (scale_to_zero_after 3s);"
            + " first request after it waited %s (HTTP, 200), over gRPC %s (OK), through the"
            + " alias 'stable' %s (200)%n",
        seconds(toZero), seconds(coldHttp), seconds(coldGrpc), seconds(coldAlias));

    List<JsonNode> events = scaled("idle");
    assertTrue(events.size() >= 6, events.toString());
    JsonNode toZeroEvent = events.get(0);
    assertEquals(0, toZeroEvent.get("details").get("to").asInt(), toZeroEvent.toString());
    assertTrue(
        toZeroEvent.get("reason").asText().startsWith("no request answered and none in flight for"),
        toZeroEvent.toString());
    JsonNode wake = events.get(1);
    assertEquals(1, wake.get("details").get("to").asInt(), wake.toString());
    assertTrue(wake.get("reason").asText().startsWith("cold start"), wake.toString());
    for (JsonNode e : events) {
      System.out.println("AutoscalingIT history: " + e.get("details") + " " + e.get("reason"));
    }
  }
}
