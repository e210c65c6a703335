package io.modelfleet.node.it;

import static io.modelfleet.node.testing.Http.readyReplicas;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.CudaSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc;
import io.modelfleet.gateway.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryRegisterRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusRequest;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryStatusResponse;
import io.modelfleet.gateway.grpc.proto.SystemSharedMemoryUnregisterRequest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's system shared memory extension on a real node, as tritonclient and perf_analyzer use it:
 * the client creates a POSIX shared memory object (a file under /dev/shm), registers it, and
 * inferences read their input from it and write their output into it.
 */
class SharedMemoryIT {
  private static final Path SHM = Path.of("/dev/shm");
  private static final Duration READY = Duration.ofSeconds(60);

  /** INT32 [2, 3]: 24 bytes. */
  private static final int[] VALUES = {7, -2, 40, 0, 123456, -99};

  @TempDir static Path dataDir;
  static FleetNode node;
  static Http http;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub stub;

  /** This test's shared memory object: 64 bytes, the input at 0, the output at 32. */
  Path object;

  String key;

  @BeforeAll
  static void start() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(SHM), "no /dev/shm on this host");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node = FleetNode.start(TestNodes.config(dataDir, Map.of("modelfleet.gateway.grpc.port", port)));
    http = new Http(node.baseUrl());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    stub = withKey(TestKeys.ADMIN);
    Http.Response created =
        http.put("/v1/models/ident/versions/1", TestModels.identity(DataType.INT32));
    assertEquals(201, created.status(), created.body());
    Http.Response r =
        http.post(
            "/v1/models/ident/deployments",
            "{\"version\":\"1\",\"replicas\":1,\"device\":\"auto\"}");
    assertEquals(202, r.status(), r.body());
    http.await("/v1/models/ident", readyReplicas("1", 1), READY);
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

  @AfterEach
  void cleanUp() throws IOException {
    http.post("/v2/systemsharedmemory/unregister", "");
    if (object != null) {
      Files.deleteIfExists(object);
    }
  }

  static GRPCInferenceServiceBlockingStub withKey(String key) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Creates the object, as tritonclient's create_shared_memory_region does, with the input. */
  private void createObject() throws IOException {
    key = "/modelfleet-it-" + UUID.randomUUID();
    object = SHM.resolve(key.substring(1));
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : VALUES) {
      b.putInt(v);
    }
    Files.write(object, b.array());
  }

  private static byte[] inputBytes() {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : VALUES) {
      b.putInt(v);
    }
    return b.array();
  }

  private byte[] outputBytes() throws IOException {
    return Arrays.copyOfRange(Files.readAllBytes(object), 32, 56);
  }

  private static String register(String key, long offset, long size) {
    return "{\"key\":\"" + key + "\",\"offset\":" + offset + ",\"byte_size\":" + size + "}";
  }

  private static final String INFER =
      "{\"inputs\":[{\"name\":\"in\",\"datatype\":\"INT32\",\"shape\":[2,3],"
          + "\"parameters\":{\"shared_memory_region\":\"io\",\"shared_memory_byte_size\":%d}}],"
          + "\"outputs\":[{\"name\":\"out\",\"parameters\":{\"shared_memory_region\":\"io\","
          + "\"shared_memory_byte_size\":32,\"shared_memory_offset\":32}}]}";

  @Test
  void anInferenceReadsItsInputFromARegionAndWritesItsOutputIntoIt() throws IOException {
    createObject();
    Http.Response reg =
        http.post("/v2/systemsharedmemory/region/io/register", register(key, 0, 64));
    assertEquals(200, reg.status(), reg.body());

    Http.Response status = http.get("/v2/systemsharedmemory/status");
    assertEquals(200, status.status(), status.body());
    assertEquals(1, status.json().size(), status.body());
    JsonNode region = status.json().get(0);
    assertEquals("io", region.get("name").asText());
    assertEquals(key, region.get("key").asText());
    assertEquals(0, region.get("offset").asLong());
    assertEquals(64, region.get("byte_size").asLong());
    assertEquals(status.json(), http.get("/v2/systemsharedmemory/region/io/status").json());

    Http.Response r = http.post("/v2/models/ident/infer", String.format(INFER, 24));
    assertEquals(200, r.status(), r.body());
    JsonNode out = r.json().get("outputs").get(0);
    assertEquals("out", out.get("name").asText());
    assertEquals("INT32", out.get("datatype").asText());
    assertEquals("[2,3]", out.get("shape").toString());
    assertFalse(out.has("data"), r.body());
    assertEquals(
        "{\"shared_memory_region\":\"io\",\"shared_memory_byte_size\":24,"
            + "\"shared_memory_offset\":32}",
        out.get("parameters").toString());
    assertArrayEquals(inputBytes(), outputBytes());

    // The input's size must be its datatype and shape's.
    Http.Response wrongSize = http.post("/v2/models/ident/infer", String.format(INFER, 20));
    assertEquals(400, wrongSize.status(), wrongSize.body());
    assertTrue(wrongSize.error().contains("needs 24 bytes"), wrongSize.body());

    Http.Response gone = http.post("/v2/systemsharedmemory/region/io/unregister", "");
    assertEquals(200, gone.status(), gone.body());
    assertEquals("[]", http.get("/v2/systemsharedmemory/status").json().toString());
    Http.Response unknown = http.post("/v2/models/ident/infer", String.format(INFER, 24));
    assertEquals(400, unknown.status(), unknown.body());
    assertTrue(unknown.error().contains("'io' is not registered"), unknown.body());
  }

  @Test
  void badRegistrationsAnswer400WithTheProblem() throws IOException {
    createObject();
    String path = "/v2/systemsharedmemory/region/r/register";
    Http.Response missing =
        http.post(path, register("/modelfleet-it-absent-" + UUID.randomUUID(), 0, 8));
    assertEquals(400, missing.status(), missing.body());
    assertTrue(missing.error().contains("no shared memory object"), missing.body());
    Http.Response slash = http.post(path, register("/etc/passwd", 0, 8));
    assertEquals(400, slash.status(), slash.body());
    assertTrue(slash.error().contains("must not contain '/'"), slash.body());
    Http.Response dots = http.post(path, register("/../etc", 0, 8));
    assertEquals(400, dots.status(), dots.body());
    Http.Response beyond = http.post(path, register(key, 32, 64));
    assertEquals(400, beyond.status(), beyond.body());
    assertTrue(beyond.error().contains("has 64 bytes"), beyond.body());
    Http.Response noSize = http.post(path, "{\"key\":\"" + key + "\",\"offset\":0}");
    assertEquals(400, noSize.status(), noSize.body());
    assertTrue(noSize.error().contains("'byte_size'"), noSize.body());

    assertEquals(200, http.post(path, register(key, 0, 64)).status());
    Http.Response twice = http.post(path, register(key, 0, 64));
    assertEquals(400, twice.status(), twice.body());
    assertTrue(twice.error().contains("already registered"), twice.body());

    Http.Response unknown = http.get("/v2/systemsharedmemory/region/nope/status");
    assertEquals(404, unknown.status(), unknown.body());

    // No CUDA memory path: no regions, and a clear refusal.
    assertEquals("[]", http.get("/v2/cudasharedmemory/status").json().toString());
    Http.Response cuda =
        http.post(
            "/v2/cudasharedmemory/region/g/register",
            "{\"raw_handle\":{\"b64\":\"AA==\"},\"device_id\":0,\"byte_size\":8}");
    assertEquals(400, cuda.status(), cuda.body());
    assertTrue(cuda.error().contains("CUDA shared memory is not supported"), cuda.body());

    // Registering is a node operation: a viewer may not.
    Http.Response k =
        http.post(
            "/v1/keys", "{\"name\":\"shm-viewer\",\"tenant\":\"default\",\"roles\":[\"viewer\"]}");
    assertEquals(201, k.status(), k.body());
    Http viewer = new Http(node.baseUrl(), null, k.json().get("key").asText());
    assertEquals(
        403, viewer.post("/v2/systemsharedmemory/region/v/register", register(key, 0, 8)).status());
    assertEquals(200, viewer.get("/v2/systemsharedmemory/status").status());
  }

  @Test
  void theSameOverGrpc() throws IOException {
    createObject();
    stub.systemSharedMemoryRegister(
        SystemSharedMemoryRegisterRequest.newBuilder()
            .setName("g")
            .setKey(key)
            .setOffset(0)
            .setByteSize(64)
            .build());
    SystemSharedMemoryStatusResponse status =
        stub.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance());
    assertEquals(1, status.getRegionsCount());
    SystemSharedMemoryStatusResponse.RegionStatus g = status.getRegionsOrThrow("g");
    assertEquals(key, g.getKey());
    assertEquals(64, g.getByteSize());

    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("ident")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("in")
                    .setDatatype("INT32")
                    .addShape(2)
                    .addShape(3)
                    .putParameters("shared_memory_region", string("g"))
                    .putParameters("shared_memory_byte_size", int64(24)))
            .addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName("out")
                    .putParameters("shared_memory_region", string("g"))
                    .putParameters("shared_memory_byte_size", int64(32))
                    .putParameters("shared_memory_offset", int64(32)))
            .build();
    ModelInferResponse response = stub.modelInfer(request);
    ModelInferResponse.InferOutputTensor out = response.getOutputs(0);
    assertEquals("out", out.getName());
    assertEquals("INT32", out.getDatatype());
    assertEquals(java.util.List.of(2L, 3L), out.getShapeList());
    assertFalse(out.hasContents());
    assertEquals("g", out.getParametersOrThrow("shared_memory_region").getStringParam());
    assertEquals(24, out.getParametersOrThrow("shared_memory_byte_size").getInt64Param());
    assertEquals(32, out.getParametersOrThrow("shared_memory_offset").getInt64Param());
    assertEquals(0, response.getRawOutputContents(0).size());
    assertArrayEquals(inputBytes(), outputBytes());

    StatusRuntimeException bad =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.systemSharedMemoryRegister(
                    SystemSharedMemoryRegisterRequest.newBuilder()
                        .setName("h")
                        .setKey("/a/b")
                        .setByteSize(8)
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    assertTrue(bad.getStatus().getDescription().contains("must not contain '/'"));

    StatusRuntimeException cuda =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.cudaSharedMemoryRegister(
                    CudaSharedMemoryRegisterRequest.newBuilder()
                        .setName("c")
                        .setByteSize(8)
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, cuda.getStatus().getCode());
    assertEquals(
        0,
        stub.cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest.getDefaultInstance())
            .getRegionsCount());

    stub.systemSharedMemoryUnregister(
        SystemSharedMemoryUnregisterRequest.newBuilder().setName("g").build());
    assertEquals(
        0,
        stub.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance())
            .getRegionsCount());
    StatusRuntimeException unknown =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
    assertTrue(unknown.getStatus().getDescription().contains("not registered"));
  }

  private static InferParameter string(String s) {
    return InferParameter.newBuilder().setStringParam(s).build();
  }

  private static InferParameter int64(long v) {
    return InferParameter.newBuilder().setInt64Param(v).build();
  }
}
