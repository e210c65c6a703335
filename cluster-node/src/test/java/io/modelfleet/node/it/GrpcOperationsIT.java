package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import io.modelfleet.gateway.grpc.proto.InferStatistics;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.ModelRepositoryParameter;
import io.modelfleet.gateway.grpc.proto.ModelStatistics;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsRequest;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsResponse;
import io.modelfleet.gateway.grpc.proto.RepositoryModelLoadRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryModelUnloadRequest;
import io.modelfleet.gateway.grpc.proto.ServerMetadataRequest;
import io.modelfleet.node.FleetNode;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.TestKeys;
import io.modelfleet.node.testing.TestModels;
import io.modelfleet.node.testing.TestNodes;
import io.modelfleet.protocol.tensor.DataType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations tritonclient.grpc and perf_analyzer -i grpc call around inference, on a real node:
 * repository load (with the model file as a bytes parameter) and unload, statistics, request
 * parameters, and the request size and memory limits HTTP has. The node runs with small limits
 * (max-json-body 1 MiB, 512 KiB of memory for requests in flight) so that they can be crossed.
 */
class GrpcOperationsIT {

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub admin;

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
                    "modelfleet.gateway.max-json-body", "1 MiB",
                    "modelfleet.gateway.max-body-bytes-in-flight", "512 KiB")));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    admin = GrpcIT.withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), TestKeys.ADMIN);
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

  private static GRPCInferenceServiceBlockingStub as(String name, String role) {
    return as(name, role, "{}");
  }

  private static GRPCInferenceServiceBlockingStub as(String name, String role, String limits) {
    Http.Response r =
        http.post(
            "/v1/keys",
            "{\"name\":\""
                + name
                + "\",\"tenant\":\"default\",\"roles\":[\""
                + role
                + "\"],\"limits\":"
                + limits
                + "}");
    assertEquals(201, r.status(), r.body());
    return GrpcIT.withKey(
        GRPCInferenceServiceGrpc.newBlockingStub(channel), r.json().get("key").asText());
  }

  /** An INT32 [1, n] inference of {@code model} with raw contents. */
  private static ModelInferRequest.Builder ints(String model, int... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      raw.putInt(v);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("in")
                .setDatatype("INT32")
                .addShape(1)
                .addShape(values.length))
        .addRawInputContents(ByteString.copyFrom(raw.array()));
  }

  private static ModelStatistics statsOf(String model) {
    return admin
        .modelStatistics(ModelStatisticsRequest.newBuilder().setName(model).build())
        .getModelStats(0);
  }

  private static Status.Code code(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  @Test
  void loadInferCountUnload() throws InterruptedException {
    String model = "grpcloaded";
    admin.repositoryModelLoad(
        RepositoryModelLoadRequest.newBuilder()
            .setModelName(model)
            .putParameters(
                "file:1/model.onnx",
                ModelRepositoryParameter.newBuilder()
                    .setBytesParam(ByteString.copyFrom(TestModels.identity(DataType.INT32)))
                    .build())
            .build());
    assertTrue(admin.modelReady(ModelReadyRequest.newBuilder().setName(model).build()).getReady());

    int n = 3;
    for (int i = 0; i < n; i++) {
      ModelInferResponse r = admin.modelInfer(ints(model, i, -i, 7).build());
      ByteBuffer out =
          r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(List.of(i, -i, 7), List.of(out.getInt(), out.getInt(), out.getInt()));
    }

    ModelStatistics stats = statsOf(model);
    assertEquals(model, stats.getName());
    assertEquals("1", stats.getVersion());
    InferStatistics infer = stats.getInferenceStats();
    assertEquals(n, infer.getSuccess().getCount());
    assertEquals(0, infer.getFail().getCount());
    assertEquals(n, stats.getInferenceCount());
    assertEquals(n, stats.getExecutionCount());
    assertTrue(stats.getLastInference() > 0);
    assertTrue(infer.getSuccess().getNs() > 0, stats.toString());
    assertTrue(infer.getQueue().getNs() > 0, stats.toString());
    assertTrue(infer.getComputeInfer().getNs() > 0, stats.toString());
    assertEquals(n, infer.getComputeInfer().getCount());

    ModelStatisticsResponse all =
        admin.modelStatistics(ModelStatisticsRequest.getDefaultInstance());
    assertTrue(
        all.getModelStatsList().stream()
            .anyMatch(
                s ->
                    s.getName().equals(model)
                        && s.getInferenceStats().getSuccess().getCount() == n),
        all.toString());

    admin.repositoryModelUnload(
        RepositoryModelUnloadRequest.newBuilder().setModelName(model).build());
    // As over HTTP, the unload answers once the deployment is removed; its replica stops after.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (admin.modelReady(ModelReadyRequest.newBuilder().setName(model).build()).getReady()) {
      assertTrue(System.nanoTime() < deadline, "still ready 30 s after the unload");
      Thread.sleep(50);
    }
    assertFalse(admin.modelReady(ModelReadyRequest.newBuilder().setName(model).build()).getReady());
  }

  @Test
  void failuresHaveTheirCodes() {
    assertEquals(
        Status.Code.NOT_FOUND,
        code(
            () ->
                admin.modelStatistics(
                    ModelStatisticsRequest.newBuilder().setName("nope").build())));
    assertEquals(
        Status.Code.NOT_FOUND,
        code(
            () ->
                admin.repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("nope").build())));

    GRPCInferenceServiceBlockingStub viewer = as("grpc-viewer", "viewer");
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        code(
            () ->
                viewer.repositoryModelLoad(
                    RepositoryModelLoadRequest.newBuilder().setModelName("anything").build())));
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        code(
            () ->
                viewer.repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("anything").build())));
    // Reading statistics is a viewer's right, as GET /v2/models/stats is.
    viewer.modelStatistics(ModelStatisticsRequest.getDefaultInstance());

    // The key's rate limit holds over gRPC as over HTTP: one request, then 429's code.
    GRPCInferenceServiceBlockingStub limited =
        as("grpc-limited", "viewer", "{\"requests_per_second\":0.01,\"burst\":1}");
    limited.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    StatusRuntimeException rate =
        assertThrows(
            StatusRuntimeException.class,
            () -> limited.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, rate.getStatus().getCode(), rate.toString());

    StatusRuntimeException badFile =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin.repositoryModelLoad(
                    RepositoryModelLoadRequest.newBuilder()
                        .setModelName("badfile")
                        .putParameters(
                            "file:1/model.onnx",
                            ModelRepositoryParameter.newBuilder().setStringParam("AQID").build())
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, badFile.getStatus().getCode());
    assertTrue(badFile.getStatus().getDescription().contains("bytes_param"), badFile.toString());
  }

  @Test
  void requestParametersAndLimits() {
    GrpcIT.deploy(http, "echo", TestModels.identity(DataType.INT32));
    ModelInferResponse r =
        admin.modelInfer(
            ints("echo", 5)
                .putParameters("priority", InferParameter.newBuilder().setUint64Param(1).build())
                .putParameters(
                    "timeout", InferParameter.newBuilder().setInt64Param(10_000_000).build())
                .putParameters(
                    "binary_data_output", InferParameter.newBuilder().setBoolParam(true).build())
                .build());
    assertEquals(1, r.getRawOutputContentsCount());

    StatusRuntimeException sequence =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin.modelInfer(
                    ints("echo", 5)
                        .putParameters(
                            "sequence_id", InferParameter.newBuilder().setInt64Param(42).build())
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, sequence.getStatus().getCode());
    assertTrue(
        sequence.getStatus().getDescription().contains("'sequence_id'"), sequence.toString());

    StatusRuntimeException negative =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin.modelInfer(
                    ints("echo", 5)
                        .putParameters(
                            "timeout", InferParameter.newBuilder().setInt64Param(-1).build())
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());

    // Past max-json-body (1 MiB): refused by the transport before it is read.
    StatusRuntimeException tooLarge =
        assertThrows(
            StatusRuntimeException.class,
            () -> admin.modelInfer(ints("echo", new int[300_000]).build()));
    assertEquals(
        Status.Code.RESOURCE_EXHAUSTED, tooLarge.getStatus().getCode(), tooLarge.toString());

    // Within max-json-body but past the whole memory budget for requests in flight (512 KiB).
    StatusRuntimeException overBudget =
        assertThrows(
            StatusRuntimeException.class,
            () -> admin.modelInfer(ints("echo", new int[200_000]).build()));
    assertEquals(
        Status.Code.RESOURCE_EXHAUSTED, overBudget.getStatus().getCode(), overBudget.toString());
    assertTrue(
        overBudget.getStatus().getDescription().contains("max-body-bytes-in-flight"),
        overBudget.toString());

    // The budget was given back: the next request fits.
    assertEquals(1, admin.modelInfer(ints("echo", 6).build()).getRawOutputContentsCount());
  }
}
