package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub;
import io.modelfleet.gateway.grpc.proto.InferTensorContents;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.SlowModels;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.metrics.PrometheusText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to a request between its arrival at a replica and its run: a request whose client
 * hangs up while it waits in the queue is dropped and never computed; a deployment with {@code
 * ort.concurrent_runs} runs several requests at once on one replica's session instead of queueing
 * them. Both are observed the way an operator would, through Triton's statistics and the {@code
 * nv_inference_pending_request_count} gauge (requests queued, not yet running), never by timing.
 */
class QueueControlIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final int WIDTH = 256;
  private static final int LAYERS = 32;

  /** Tiled rows per slow run: about 8 G multiply-adds, a few hundred ms on one core. */
  private static final int ROWS = 4000;

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ExecutorService clients = Executors.newFixedThreadPool(4);

  static ManagedChannel channel;

  @BeforeAll
  static void start() throws IOException {
    int grpcPort;
    try (ServerSocket s = new ServerSocket(0)) {
      grpcPort = s.getLocalPort();
    }
    node =
        FleetNode.start(
            TestNodes.config(dataDir, Map.of("modelfleet.gateway.grpc.port", grpcPort)));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    clients.shutdownNow();
    if (node != null) {
      node.close();
    }
  }

  private static void deploy(String model, byte[] onnx, String body) {
    assertEquals(201, http.put("/v1/models/" + model + "/versions/1", onnx).status());
    Http.Response r = http.post("/v1/models/" + model + "/deployments", body);
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas("1", 1), READY);
  }

  private static PrometheusText metrics() {
    java.net.http.HttpResponse<String> r = MetricsIT.scrape(node.baseUrl(), TestKeys.ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    return PrometheusText.parse(r.body());
  }

  private static double pending(String model) {
    return metrics().value("nv_inference_pending_request_count", "model", model);
  }

  private static JsonNode stats(String model) {
    Http.Response r = http.get("/v2/models/" + model + "/versions/1/stats");
    assertEquals(200, r.status(), r.body());
    return r.json().get("model_stats").get(0);
  }

  private static void awaitPending(String model, double want) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (pending(model) != want) {
      assertTrue(System.nanoTime() < end, model + " never had " + want + " request(s) queued");
      Thread.sleep(20);
    }
  }

  /** A replica where a lone request waits 5 s for company that never comes. */
  private static void deployWaiting(String model) {
    deploy(
        model,
        TestModels.linear(new float[][] {{1f}, {2f}}, new float[] {0f}),
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\",\"max_batch_size\":8,"
            + "\"dynamic_batching\":{\"preferred_batch_size\":[8],"
            + "\"max_queue_delay_microseconds\":5000000}}");
  }

  @Test
  void aCancelledGrpcCallIsDroppedFromTheQueueAndNeverComputed() throws Exception {
    deployWaiting("waiting-grpc");
    GRPCInferenceServiceFutureStub stub =
        GRPCInferenceServiceGrpc.newFutureStub(channel)
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(GrpcIT.bearer(TestKeys.ADMIN)));
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("waiting-grpc")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("x")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(2)
                    .setContents(
                        InferTensorContents.newBuilder().addFp32Contents(1f).addFp32Contents(2f)))
            .build();
    Context.CancellableContext call = Context.current().withCancellation();
    ListenableFuture<ModelInferResponse> answer = call.call(() -> stub.modelInfer(request));
    awaitPending("waiting-grpc", 1);
    call.cancel(null);
    awaitPending("waiting-grpc", 0);
    assertTrue(answer.isCancelled() || answer.isDone(), "the client's call ended");

    JsonNode s = stats("waiting-grpc");
    assertEquals(0, s.get("execution_count").asLong(), "the cancelled request never ran: " + s);
    assertEquals(1, s.get("inference_stats").get("fail").get("count").asLong(), s.toString());
    assertEquals(
        1,
        metrics()
            .value("nv_inference_request_failure", "model", "waiting-grpc", "reason", "CANCELED"));
  }

  @Test
  void aQueuedRequestWhoseClientHangsUpIsDroppedAndNeverComputed() throws Exception {
    // It waits up to 5 s for company that never comes: plenty of time to hang up while queued.
    deployWaiting("waiting");
    String body =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}";
    URI base = URI.create(node.baseUrl());
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v2/models/waiting/infer HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                  + TestKeys.ADMIN
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitPending("waiting", 1);
    } // hangs up, the request still queued
    awaitPending("waiting", 0);

    JsonNode s = stats("waiting");
    assertEquals(0, s.get("execution_count").asLong(), "the dropped request never ran: " + s);
    assertEquals(0, s.get("inference_stats").get("success").get("count").asLong());
    assertEquals(1, s.get("inference_stats").get("fail").get("count").asLong(), s.toString());
    assertEquals(
        1,
        metrics().value("nv_inference_request_failure", "model", "waiting", "reason", "CANCELED"));
    // The replica serves on: a full preferred batch runs at once.
    List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> http.post("/v2/models/waiting/infer", body), clients));
    }
    for (CompletableFuture<Http.Response> c : calls) {
      Http.Response r = c.join();
      assertEquals(200, r.status(), r.body());
      assertEquals(5.0, r.json().get("outputs").get(0).get("data").get(0).asDouble(), 1e-6);
    }
  }

  /** Sends three slow requests at once and returns the most requests seen queued meanwhile. */
  private static double threeAtOnce(String model) throws Exception {
    String body = SlowModels.request(WIDTH, ROWS);
    List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> http.post("/v2/models/" + model + "/infer", body), clients));
    }
    double most = 0;
    while (!CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).isDone()) {
      most = Math.max(most, pending(model));
      Thread.sleep(10);
    }
    JsonNode first = null;
    for (CompletableFuture<Http.Response> c : calls) {
      Http.Response r = c.join();
      assertEquals(200, r.status(), r.body());
      JsonNode data = r.json().get("outputs").get(0).get("data");
      if (first == null) {
        first = data;
      }
      assertEquals(first, data, "the same input gives the same output, run alone or together");
    }
    assertEquals(3, stats(model).get("execution_count").asLong());
    return most;
  }

  @Test
  void concurrentRunsLetOneReplicaRunSeveralRequestsAtOnce() throws Exception {
    byte[] onnx = SlowModels.tiledMatMuls(WIDTH, LAYERS);
    deploy(
        "one-at-a-time",
        onnx,
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\","
            + "\"ort\":{\"intra_op_threads\":1}}");
    deploy(
        "three-at-once",
        onnx,
        "{\"version\":\"1\",\"replicas\":1,\"device\":\"cpu\","
            + "\"ort\":{\"intra_op_threads\":1,\"concurrent_runs\":3}}");
    JsonNode ort = http.get("/v1/models/three-at-once").json().get("deployments").get(0);
    assertEquals(3, ort.get("ort").get("concurrent_runs").asInt(), ort.toString());

    assertTrue(
        threeAtOnce("one-at-a-time") >= 1,
        "one run at a time: the others wait in the queue while the first runs");
    assertEquals(
        0,
        threeAtOnce("three-at-once"),
        "with concurrent_runs 3 none of the three ever waits in the queue");
  }

  @Test
  void aDeploymentAsksForAtMostSixteenConcurrentRuns() {
    assertEquals(
        201,
        http.put(
                "/v1/models/greedy/versions/1",
                TestModels.linear(new float[][] {{1f}}, new float[] {0f}))
            .status());
    Http.Response r =
        http.post(
            "/v1/models/greedy/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"ort\":{\"concurrent_runs\":17}}");
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().contains("ort.concurrent_runs"), r.body());
  }
}
