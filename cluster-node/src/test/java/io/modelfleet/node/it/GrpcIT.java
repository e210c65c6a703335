package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.InferTensorContents;
import io.modelfleet.gateway.grpc.proto.ModelConfig;
import io.modelfleet.gateway.grpc.proto.ModelConfigRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.ModelInstanceGroup;
import io.modelfleet.gateway.grpc.proto.ModelMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ModelMetadataResponse;
import io.modelfleet.gateway.grpc.proto.ModelReadyRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexRequest;
import io.modelfleet.gateway.grpc.proto.RepositoryIndexResponse;
import io.modelfleet.gateway.grpc.proto.ServerLiveRequest;
import io.modelfleet.gateway.grpc.proto.ServerMetadataRequest;
import io.modelfleet.gateway.grpc.proto.ServerReadyRequest;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OIP gRPC front door of a real node, through grpc-java's blocking stub. */
class GrpcIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final float[][] W = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}};
  private static final float[] B = {0.1f, -0.3f};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub stub;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node = FleetNode.start(TestNodes.config(dataDir, Map.of("modelfleet.gateway.grpc.port", port)));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    stub = withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), TestKeys.ADMIN);
    deploy("lin", TestModels.linear(W, B));
    deploy("ident32", TestModels.identity(DataType.INT32));
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

  static GRPCInferenceServiceBlockingStub withKey(GRPCInferenceServiceBlockingStub s, String key) {
    return s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(key)));
  }

  /** The metadata tritonclient sends with a key. */
  static Metadata bearer(String key) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return headers;
  }

  static void deploy(String model, byte[] onnx) {
    deploy(http, model, onnx);
  }

  /** Uploads version 1 of {@code model} through {@code http} and waits for one Ready replica. */
  static void deploy(Http http, String model, byte[] onnx) {
    Http.Response created = http.put("/v1/models/" + model + "/versions/1", onnx);
    assertEquals(201, created.status(), created.body());
    Http.Response r =
        http.post(
            "/v1/models/" + model + "/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/" + model, readyReplicas("1", 1), READY);
  }

  /** A key created through the API with {@code roles} in {@code tenant}. */
  static String key(String name, String tenant, String role) {
    Http.Response r =
        http.post(
            "/v1/keys",
            "{\"name\":\""
                + name
                + "\",\"tenant\":\""
                + tenant
                + "\",\"roles\":[\""
                + role
                + "\"]}");
    assertEquals(201, r.status(), r.body());
    return r.json().get("key").asText();
  }

  @Test
  void rightsAndTenantsAreDecidedAsOverHttp() {
    GRPCInferenceServiceBlockingStub viewer =
        withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), key("v", "default", "viewer"));
    assertEquals(
        "lin",
        viewer.modelMetadata(ModelMetadataRequest.newBuilder().setName("lin").build()).getName());
    StatusRuntimeException denied =
        assertThrows(
            StatusRuntimeException.class,
            () -> viewer.modelInfer(ModelInferRequest.newBuilder().setModelName("lin").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

    GRPCInferenceServiceBlockingStub stranger =
        withKey(GRPCInferenceServiceGrpc.newBlockingStub(channel), key("s", "team-s", "inferrer"));
    StatusRuntimeException hidden =
        assertThrows(
            StatusRuntimeException.class,
            () -> stranger.modelInfer(ModelInferRequest.newBuilder().setModelName("lin").build()));
    assertEquals(Status.Code.NOT_FOUND, hidden.getStatus().getCode());
  }

  @Test
  void healthMetadataAndReadiness() {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertEquals(
        "modelfleet", stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
    assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("lin").build()).getReady());
    ModelMetadataResponse meta =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("lin").build());
    assertEquals("lin", meta.getName());
    assertEquals(List.of("1"), meta.getVersionsList());
    assertEquals("onnxruntime_onnx", meta.getPlatform());
    assertEquals("x", meta.getInputs(0).getName());
    assertEquals("FP32", meta.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 3L), meta.getInputs(0).getShapeList());
    assertEquals("y", meta.getOutputs(0).getName());
  }

  @Test
  void repositoryIndexListsTheReadyVersions() {
    RepositoryIndexResponse index =
        stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());
    assertTrue(
        index.getModelsList().stream()
            .anyMatch(
                m ->
                    m.getName().equals("lin")
                        && m.getVersion().equals("1")
                        && m.getState().equals("READY")),
        index.toString());
  }

  @Test
  void modelConfigIsTritonsMessage() {
    ModelConfig config =
        stub.modelConfig(ModelConfigRequest.newBuilder().setName("lin").build()).getConfig();
    assertEquals("lin", config.getName());
    assertEquals("onnxruntime_onnx", config.getPlatform());
    assertEquals("onnxruntime", config.getBackend());
    assertEquals(1, config.getVersionPolicy().getLatest().getNumVersions());
    assertEquals(0, config.getMaxBatchSize());
    assertEquals("x", config.getInput(0).getName());
    assertEquals(
        io.modelfleet.gateway.grpc.proto.DataType.TYPE_FP32, config.getInput(0).getDataType());
    assertEquals(List.of(-1L, 3L), config.getInput(0).getDimsList());
    assertEquals("y", config.getOutput(0).getName());
    assertEquals(1, config.getInstanceGroup(0).getCount());
    assertEquals(ModelInstanceGroup.Kind.KIND_AUTO, config.getInstanceGroup(0).getKind());
    assertTrue(config.hasResponseCache(), "response_cache is shown, as in Triton");
    assertEquals(false, config.getResponseCache().getEnable());
  }

  @Test
  void rawFp32InferenceGivesTheComputedNumbersAsRawOutputs() {
    float[][] rows = {{1, 2, 3}, {-1, 0.5f, 4}};
    ByteBuffer in = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : rows) {
      for (float v : row) {
        in.putFloat(v);
      }
    }
    ModelInferResponse r =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("lin")
                .setId("req-7")
                .addInputs(
                    ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("x")
                        .setDatatype("FP32")
                        .addShape(2)
                        .addShape(3))
                .addRawInputContents(ByteString.copyFrom(in.array()))
                .build());
    assertEquals("lin", r.getModelName());
    assertEquals("1", r.getModelVersion());
    assertEquals("req-7", r.getId());
    assertEquals("y", r.getOutputs(0).getName());
    assertEquals("FP32", r.getOutputs(0).getDatatype());
    assertEquals(List.of(2L, 2L), r.getOutputs(0).getShapeList());
    assertEquals(1, r.getRawOutputContentsCount());
    ByteBuffer out =
        r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : rows) {
      float[] want = TestModels.linearExpected(W, B, row);
      assertEquals(want[0], out.getFloat(), 1e-5);
      assertEquals(want[1], out.getFloat(), 1e-5);
    }
  }

  @Test
  void typedInt32InferenceAnswersTypedContents() {
    ModelInferResponse r =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("ident32")
                .addInputs(
                    ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("in")
                        .setDatatype("INT32")
                        .addShape(1)
                        .addShape(3)
                        .setContents(
                            InferTensorContents.newBuilder()
                                .addIntContents(-7)
                                .addIntContents(0)
                                .addIntContents(2147483647)))
                .build());
    assertEquals(0, r.getRawOutputContentsCount());
    assertEquals("INT32", r.getOutputs(0).getDatatype());
    assertEquals(List.of(-7, 0, 2147483647), r.getOutputs(0).getContents().getIntContentsList());
  }

  @Test
  void failuresCarryTheStatusTritonClientsExpect() {
    StatusRuntimeException unknown =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

    StatusRuntimeException unknownInfer =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.modelInfer(ModelInferRequest.newBuilder().setModelName("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, unknownInfer.getStatus().getCode());

    StatusRuntimeException malformedForUnknown =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("nope")
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("x")
                                .setDatatype("FP128"))
                        .build()));
    assertEquals(Status.Code.NOT_FOUND, malformedForUnknown.getStatus().getCode());

    StatusRuntimeException badShape =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("lin")
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("x")
                                .setDatatype("FP32")
                                .addShape(1)
                                .addShape(2)
                                .setContents(
                                    InferTensorContents.newBuilder()
                                        .addFp32Contents(1)
                                        .addFp32Contents(2)))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, badShape.getStatus().getCode());
    assertTrue(badShape.getStatus().getDescription().contains("x"), badShape.getMessage());

    GRPCInferenceServiceBlockingStub anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    StatusRuntimeException noKey =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                anonymous.modelMetadata(ModelMetadataRequest.newBuilder().setName("lin").build()));
    assertEquals(Status.Code.UNAUTHENTICATED, noKey.getStatus().getCode());
  }
}
