package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aliases on a real node: an alias serves its target only once the target is warm, the previous
 * version until then; {@code stable} serves the unversioned route; every change is in the history.
 */
class AliasesIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, 0f}, {0f, 1f}, {0f, 0f}};

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
    node = FleetNode.start(TestNodes.config(dataDir, Map.of("modelfleet.gateway.grpc.port", port)));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    grpc = GrpcIT.withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), TestKeys.ADMIN);
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

  private static Http.Response putJson(String path, String json) {
    return http.send(
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static Http.Response setAlias(String alias, String version) {
    return putJson("/v1/models/al/aliases/" + alias, "{\"version\":\"" + version + "\"}");
  }

  private static void deploy(String version) {
    Http.Response r =
        http.post(
            "/v1/models/al/deployments",
            "{\"version\":\"" + version + "\",\"replicas\":1,\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/al", readyReplicas(version, 1), READY);
  }

  /** The version that answered, and the first output: the bias tells the versions apart. */
  private static String served(String path) {
    Http.Response r =
        http.post(
            path,
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],"
                + "\"data\":[0,0,0]}]}");
    assertEquals(200, r.status(), path + ": " + r.body());
    String version = r.json().get("model_version").asText();
    float y = r.json().get("outputs").get(0).get("data").get(0).floatValue();
    assertEquals(Float.parseFloat(version), y, 1e-6, "the bias is the version number");
    return version;
  }

  /** The version that answered a gRPC inference asking for {@code version} (an alias). */
  private static String servedOverGrpc(String version) {
    ModelInferResponse r =
        grpc.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("al")
                .setModelVersion(version)
                .addInputs(
                    ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(3))
                .addRawInputContents(ByteString.copyFrom(new byte[12]))
                .build());
    return r.getModelVersion();
  }

  private static JsonNode alias(String name) {
    return http.get("/v1/models/al").json().get("aliases").get(name);
  }

  @Test
  void anAliasSwitchesOnlyOnceItsTargetIsWarm() {
    assertEquals(
        201,
        http.put("/v1/models/al/versions/1", TestModels.linear(W, new float[] {1, 0})).status());
    deploy("1");

    // Errors first: unknown version 404, a version's name 409, a bad body 400, unknown model 404.
    Http.Response unknown = setAlias("stable", "9");
    assertEquals(404, unknown.status(), unknown.body());
    assertTrue(unknown.error().contains("no version '9'"), unknown.error());
    Http.Response clash = setAlias("1", "1");
    assertEquals(409, clash.status(), clash.body());
    assertTrue(clash.error().contains("clashes with version '1'"), clash.error());
    Http.Response bad = putJson("/v1/models/al/aliases/stable", "{\"versions\":\"1\"}");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.error().contains("\"version\""), bad.error());
    Http.Response badName = setAlias("-x", "1");
    assertEquals(400, badName.status(), badName.body());
    assertEquals(404, putJson("/v1/models/none/aliases/stable", "{\"version\":\"1\"}").status());
    Http.Response absent = http.delete("/v1/models/al/aliases/nothing");
    assertEquals(404, absent.status(), absent.body());
    assertTrue(absent.error().contains("no alias 'nothing'"), absent.error());

    Http.Response set = setAlias("stable", "1");
    assertEquals(200, set.status(), set.body());
    JsonNode stable = set.json().get("aliases").get("stable");
    assertEquals("1", stable.get("version").asText());
    assertEquals("1", stable.get("serving").asText());
    assertFalse(stable.get("pending").asBoolean());
    assertEquals("1", served("/v2/models/al/versions/stable/infer"));
    assertEquals("1", served("/v2/models/al/infer"));
    assertEquals(200, http.get("/v2/models/al/versions/stable/ready").status());
    assertEquals("1", servedOverGrpc("stable"));
    assertTrue(
        grpc.modelReady(ModelReadyRequest.newBuilder().setName("al").setVersion("stable").build())
            .getReady());
    Http.Response meta = http.get("/v2/models/al/versions/stable");
    assertEquals(200, meta.status(), meta.body());
    Http.Response stats = http.get("/v2/models/al/versions/stable/stats");
    assertEquals(200, stats.status(), stats.body());
    assertEquals("1", stats.json().get("model_stats").get(0).get("version").asText(), stats.body());

    // v2 registered but not deployed: stable -> 2 is pending and v1 keeps serving.
    assertEquals(
        201,
        http.put("/v1/models/al/versions/2", TestModels.linear(W, new float[] {2, 0})).status());
    Http.Response pending = setAlias("stable", "2");
    assertEquals(200, pending.status(), pending.body());
    stable = pending.json().get("aliases").get("stable");
    assertEquals("2", stable.get("version").asText());
    assertEquals("1", stable.get("serving").asText());
    assertTrue(stable.get("pending").asBoolean());
    assertEquals("1", served("/v2/models/al/versions/stable/infer"));
    assertEquals("1", served("/v2/models/al/infer"));

    // A new alias at a version that is not warm, with nothing before it: 503 naming both.
    assertEquals(200, setAlias("canary", "2").status());
    JsonNode canary = alias("canary");
    assertTrue(canary.get("pending").asBoolean());
    assertFalse(canary.has("serving"), canary.toString());
    Http.Response cold =
        http.post(
            "/v2/models/al/versions/canary/infer",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],"
                + "\"data\":[0,0,0]}]}");
    assertEquals(503, cold.status(), cold.body());
    assertEquals(
        "model 'al' alias 'canary' points at version '2', which has no Ready replica, and no"
            + " version served it before",
        cold.error());
    assertEquals(200, http.delete("/v1/models/al/aliases/canary").status());

    // A version may not be registered under an alias's name.
    Http.Response taken =
        http.put("/v1/models/al/versions/stable", TestModels.linear(W, new float[] {3, 0}));
    assertEquals(409, taken.status(), taken.body());
    assertTrue(taken.error().contains("alias 'stable'"), taken.error());

    deploy("2");
    stable = alias("stable");
    assertEquals("2", stable.get("serving").asText());
    assertFalse(stable.get("pending").asBoolean());
    assertEquals("2", served("/v2/models/al/versions/stable/infer"));
    assertEquals("2", served("/v2/models/al/infer"));
    assertEquals("2", servedOverGrpc("stable"));

    // Back to 1, which is warm: the switch is immediate. Then the unversioned route, without
    // stable, serves the highest Ready version again.
    assertEquals(200, setAlias("stable", "1").status());
    assertEquals("1", served("/v2/models/al/infer"));
    assertEquals("1", served("/v2/models/al/versions/stable/infer"));
    Http.Response removed = http.delete("/v1/models/al/aliases/stable");
    assertEquals(200, removed.status(), removed.body());
    assertEquals(0, removed.json().get("aliases").size());
    assertEquals("2", served("/v2/models/al/infer"));
    Http.Response gone =
        http.post(
            "/v2/models/al/versions/stable/infer",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0,0,0]}]}");
    assertEquals(404, gone.status(), gone.body());

    List<String> events = new ArrayList<>();
    for (JsonNode e : http.get("/v1/models/al/history").json().get("events")) {
      if (e.get("event").asText().startsWith("Alias")) {
        events.add(e.get("event").asText() + " " + e.get("details"));
      }
    }
    assertEquals(6, events.size(), events.toString());
    assertTrue(events.get(0).startsWith("AliasSet"), events.toString());
    assertTrue(events.get(1).contains("\"previous\":\"1\""), events.toString());
    assertEquals("AliasSet {\"alias\":\"canary\",\"version\":\"2\"}", events.get(2));
    assertEquals("AliasRemoved {\"alias\":\"stable\"}", events.get(5));
  }
}
