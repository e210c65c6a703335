package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the artifact store and the registry, over real HTTP against real nodes: a corrupted
 * artifact is reported with both hashes and repaired by uploading the original again; an empty
 * registry file stops the node at start; refused uploads leave no files and the collector removes
 * old orphans; an oversized Content-Length is refused before the body; a model with external data
 * is refused; no error shows a server path.
 */
class StoreFaultsIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{1f, 2f}, {3f, 4f}, {5f, 6f}};
  private static final float[] B = {0.5f, -0.5f};
  private static final String ROW =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,-1,2]}]}";
  private static final long MAX_UPLOAD = 64 * 1024;

  /**
   * One node for the upload tests: small upload limit, the collector every second with a 1 h grace.
   */
  @TempDir static Path shared;

  static FleetNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node =
        FleetNode.start(
            TestNodes.config(
                shared,
                Map.of(
                    "modelfleet.artifacts.max-upload-size", MAX_UPLOAD,
                    "modelfleet.artifacts.gc-interval", "1s",
                    "modelfleet.artifacts.gc-grace", "1h")));
    http = new Http(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static Set<String> storedDigests(Path dataDir) throws Exception {
    try (Stream<Path> files = Files.list(dataDir.resolve("artifacts/sha256"))) {
      return files
          .map(p -> "sha256:" + p.getFileName())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static byte[] linear(float scale) {
    float[][] w = new float[W.length][];
    for (int i = 0; i < W.length; i++) {
      w[i] = W[i].clone();
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] *= scale;
      }
    }
    return TestModels.linear(w, B);
  }

  private static JsonNode replica(Http http, String model) {
    JsonNode replicas = http.get("/v1/models/" + model).json().path("replicas");
    return replicas.size() == 0 ? null : replicas.get(0);
  }

  @Test
  void aCorruptArtifactIsReportedAndRepairedByUploadingTheOriginalAgain(@TempDir Path dataDir)
      throws Exception {
    byte[] original = TestModels.linear(W, B);
    String digest;
    try (FleetNode first = FleetNode.start(TestNodes.config(dataDir, Map.of()))) {
      Http h = new Http(first.baseUrl());
      Http.Response up = h.put("/v1/models/fragile/versions/1", original);
      assertEquals(201, up.status(), up.body());
      digest = up.json().get("digest").asText();
      assertEquals(
          202,
          h.post("/v1/models/fragile/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
      h.await("/v1/models/fragile", readyReplicas("1", 1), READY);
    }

    Path file = dataDir.resolve("artifacts/sha256").resolve(digest.substring("sha256:".length()));
    byte[] flipped = Files.readAllBytes(file);
    flipped[flipped.length / 2] ^= 0x5a; // bit rot while stopped: same size, other bytes
    Files.write(file, flipped);

    // A long backoff: the replica must come back because the repair nudges it, not because it
    // retried.
    try (FleetNode second =
        FleetNode.start(
            TestNodes.config(
                dataDir,
                Map.of(
                    "modelfleet.replica.min-backoff",
                    "60s",
                    "modelfleet.replica.max-backoff",
                    "60s")))) {
      Http h = new Http(second.baseUrl());
      Http.Response failed =
          h.await(
              "/v1/models/fragile",
              r -> {
                JsonNode rep = r.status() == 200 ? replica(h, "fragile") : null;
                return rep != null && "FAILED".equals(rep.path("state").asText());
              },
              READY);
      String reason = replica(h, "fragile").path("reason").asText();
      assertTrue(
          reason.contains(digest) && reason.contains(sha256(flipped)), "both hashes in: " + reason);
      assertFalse(
          failed.body().contains(dataDir.toString()) || reason.contains("/artifacts/"),
          "no server path: " + reason);

      Http.Response again = h.put("/v1/models/fragile/versions/1", original);
      assertEquals(200, again.status(), again.body());
      assertEquals(digest, again.json().get("digest").asText());
      assertTrue(Files.exists(file), "the registered version's file is still there");
      assertEquals(
          digest, sha256(Files.readAllBytes(file)), "the file holds the original bytes again");

      h.await("/v1/models/fragile", readyReplicas("1", 1), Duration.ofSeconds(20));
      Http.Response inferred = h.post("/v2/models/fragile/infer", ROW);
      assertEquals(200, inferred.status(), inferred.body());
      float[] want = TestModels.linearExpected(W, B, new float[] {1, -1, 2});
      assertEquals(
          want[0], inferred.json().get("outputs").get(0).get("data").get(0).floatValue(), 1e-5);
    }
  }

  @Test
  void anEmptyRegistryFileStopsTheNodeWithTheWayOut(@TempDir Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    // A registry lived here (its id marker says so) and its file is now empty. Without the marker
    // and without model files, an empty file is an interrupted first start and is replaced.
    Files.writeString(dataDir.resolve("registry-id"), "id=" + UUID.randomUUID() + "\n");
    Files.write(dataDir.resolve("registry.mv.db"), new byte[0]);
    try (NodeProcess p = NodeProcess.start(dataDir, Map.of())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(p.isAlive(), "the node must not start on an empty registry; log:\n" + p.log());
      String log = p.log();
      assertTrue(log.contains("registry.mv.db is empty (0 bytes)"), log);
      assertTrue(log.contains("restore registry.mv.db from a backup"), log);
      assertFalse(log.contains("ModelFleet is up"), log);
      assertEquals(0, Files.size(dataDir.resolve("registry.mv.db")), "the file was left as it was");
      assertEquals(78, p.exitCode(), log);
    }
  }

  @Test
  void refusedUploadsLeaveNoFilesAndDoNotHarmAConcurrentUploadOfTheSameBytes() throws Exception {
    Set<String> referenced =
        new TreeSet<>(storedDigests(shared)); // other tests' versions on this node
    byte[] a = linear(1f);
    Http.Response first = http.put("/v1/models/keep/versions/1", a);
    assertEquals(201, first.status(), first.body());
    referenced.add(first.json().get("digest").asText());

    Http.Response conflict = http.put("/v1/models/keep/versions/1", linear(2f));
    assertEquals(409, conflict.status(), conflict.body());
    Http.Response invalid = http.put("/v1/models/keep/versions/2", TestModels.invalid());
    assertEquals(400, invalid.status(), invalid.body());
    assertFalse(invalid.body().contains(shared.toString()), "no server path: " + invalid.body());
    Http.Response chunked =
        http.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/models/keep/versions/3"))
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[(int) MAX_UPLOAD + 1]))));
    assertEquals(413, chunked.status(), chunked.body());
    assertEquals(
        referenced,
        storedDigests(shared),
        "a 409, an invalid model and an oversized body leave no file");

    // Two uploads of the same bytes at once, one refused (409 on "keep/1"), one accepted: whoever
    // created the file, the accepted version keeps it.
    for (int i = 0; i < 4; i++) {
      int round = i;
      byte[] same = linear(3f + round);
      CompletableFuture<Http.Response> loser =
          CompletableFuture.supplyAsync(() -> http.put("/v1/models/keep/versions/1", same));
      CompletableFuture<Http.Response> winner =
          CompletableFuture.supplyAsync(
              () -> http.put("/v1/models/twin" + round + "/versions/1", same));
      assertEquals(409, loser.get().status(), loser.get().body());
      assertEquals(201, winner.get().status(), winner.get().body());
      referenced.add(winner.get().json().get("digest").asText());
    }
    assertEquals(referenced, storedDigests(shared));
    assertEquals(
        202,
        http.post("/v1/models/twin3/deployments", "{\"version\":\"1\",\"replicas\":1}").status());
    http.await("/v1/models/twin3", readyReplicas("1", 1), READY);
    assertEquals(200, http.post("/v2/models/twin3/infer", ROW).status());
  }

  @Test
  void theCollectorRemovesOldOrphansOnly() throws Exception {
    byte[] kept = linear(9f);
    Http.Response up = http.put("/v1/models/collected/versions/1", kept);
    assertEquals(201, up.status(), up.body());
    String keptDigest = up.json().get("digest").asText();
    Path blobs = shared.resolve("artifacts/sha256");
    Instant old = Instant.now().minus(Duration.ofHours(2));
    Files.setLastModifiedTime(blobs.resolve(keptDigest.substring(7)), FileTime.from(old));

    byte[] orphanBytes =
        "left behind by a crash between storing and registering".getBytes(StandardCharsets.UTF_8);
    Path orphan = blobs.resolve(sha256(orphanBytes).substring(7));
    Files.write(orphan, orphanBytes);
    Files.setLastModifiedTime(orphan, FileTime.from(old));
    byte[] youngBytes =
        "an upload in another node's hands, younger than the grace period"
            .getBytes(StandardCharsets.UTF_8);
    Path young = blobs.resolve(sha256(youngBytes).substring(7));
    Files.write(young, youngBytes);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (Files.exists(orphan) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertFalse(
        Files.exists(orphan), "an unreferenced file older than the grace period is collected");
    assertTrue(Files.exists(young), "a young unreferenced file is left alone");
    assertTrue(
        Files.exists(blobs.resolve(keptDigest.substring(7))),
        "a registered version's file stays, however old");
    Files.delete(young);
  }

  @Test
  void anOversizedContentLengthIsRefusedBeforeTheBodyIsSent() throws Exception {
    long huge = 100L * 1024 * 1024 * 1024;
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT /v1/models/huge/versions/1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                  + TestKeys.HEADER_LINE
                  + "Content-Length: "
                  + huge
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String status =
          in.readLine(); // no body byte was sent: a server waiting for it would time out here
      assertTrue(status != null && status.startsWith("HTTP/1.1 413"), "status line: " + status);
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
      StringBuilder rest = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        rest.append(line).append('\n');
        if (line.contains("}")) {
          break;
        }
      }
      assertTrue(rest.toString().contains("modelfleet.artifacts.max-upload-size"), rest.toString());
    }
  }

  @Test
  void aModelWithExternalDataIsRefused() throws Exception {
    Http.Response victim = http.put("/v1/models/victim/versions/1", linear(11f));
    assertEquals(201, victim.status(), victim.body());
    String victimHex = victim.json().get("digest").asText().substring(7);
    Set<String> before = storedDigests(shared);

    for (String location : List.of("../sha256/" + victimHex, victimHex)) {
      ModelProto model = ModelProto.parseFrom(TestModels.linear(W, B));
      TensorProto w = model.getGraph().getInitializer(0);
      TensorProto external =
          w.toBuilder()
              .clearRawData()
              .clearFloatData()
              .setDataLocation(TensorProto.DataLocation.EXTERNAL)
              .addExternalData(
                  StringStringEntryProto.newBuilder().setKey("location").setValue(location))
              .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
              .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("24"))
              .build();
      byte[] thief =
          model.toBuilder()
              .setGraph(model.getGraph().toBuilder().setInitializer(0, external))
              .build()
              .toByteArray();
      Http.Response r = http.put("/v1/models/thief/versions/1", thief);
      assertEquals(400, r.status(), r.body());
      assertTrue(r.error().contains("external data"), r.body());
    }
    assertEquals(before, storedDigests(shared), "the refused models left no file");
    assertEquals(404, http.get("/v1/models/thief").status());
  }

  @Test
  void errorsNeverShowServerPaths() throws Exception {
    List<Http.Response> responses = new ArrayList<>();
    responses.add(
        http.put(
            "/v1/models/paths/versions/1", "not a model at all".getBytes(StandardCharsets.UTF_8)));
    responses.add(http.put("/v1/models/paths/versions/2", new byte[] {0x0a, 0x7f, 0x01}));
    // A well-formed protobuf that ONNX Runtime refuses: ORT's message quotes the file it loaded.
    ModelProto model = ModelProto.parseFrom(TestModels.linear(W, B));
    byte[] unknownOp =
        model.toBuilder()
            .setGraph(
                model.getGraph().toBuilder()
                    .setNode(
                        0, model.getGraph().getNode(0).toBuilder().setOpType("NoSuchOperator")))
            .build()
            .toByteArray();
    responses.add(http.put("/v1/models/paths/versions/3", unknownOp));
    assertTrue(
        responses.get(2).error().contains("Load model from sha256:"),
        "ORT's file is named by its digest: " + responses.get(2).body());
    for (Http.Response r : responses) {
      assertEquals(400, r.status(), r.body());
      assertFalse(r.body().contains(shared.toString()), r.body());
      assertFalse(r.body().matches("(?s).*\"[^\"]*/(tmp|home|var|srv|data)/.*"), r.body());
    }
  }
}
