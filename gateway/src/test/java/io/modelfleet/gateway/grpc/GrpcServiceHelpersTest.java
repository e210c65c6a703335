package io.modelfleet.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import io.modelfleet.gateway.grpc.proto.InferTensorContents;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelRepositoryParameter;
import io.modelfleet.gateway.grpc.proto.ModelStatistics;
import io.modelfleet.gateway.grpc.proto.ModelStatisticsResponse;
import io.modelfleet.gateway.management.DeploymentLimits;
import io.modelfleet.gateway.repository.LoadRequest;
import io.modelfleet.protocol.replica.BatchStat;
import io.modelfleet.protocol.replica.InferRequest;
import io.modelfleet.protocol.replica.ReplicaStats;
import io.modelfleet.protocol.replica.StatCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the gRPC calls: budget, load parameters, statistics, status codes. */
class GrpcServiceHelpersTest {

  @Test
  void eachInputIsAnnouncedToTheBudgetBeforeItIsDecoded() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("m")
            .putParameters("priority", InferParameter.newBuilder().setUint64Param(3).build())
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("a")
                    .setDatatype("INT32")
                    .addShape(3)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addIntContents(1)
                            .addIntContents(2)
                            .addIntContents(3)))
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("b")
                    .setDatatype("BYTES")
                    .addShape(1)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFromUtf8("hello"))))
            .build();
    List<String> seen = new ArrayList<>();
    InferRequest r = GrpcTensors.request(request, (who, bytes) -> seen.add(who + "=" + bytes));
    assertEquals(List.of("input 'a'=12", "input 'b'=9"), seen);
    assertEquals(3, r.priority());

    ApiException refused =
        assertThrows(
            ApiException.class,
            () ->
                GrpcTensors.request(
                    request,
                    (who, bytes) -> {
                      throw new ApiException(503, "busy");
                    }));
    assertEquals(503, refused.status());
  }

  @Test
  void loadParametersAreTheHttpOnesTyped() {
    byte[] onnx = {1, 2, 3};
    LoadRequest load =
        GrpcRepository.loadRequest(
            Map.of(
                "file:2/model.onnx",
                ModelRepositoryParameter.newBuilder()
                    .setBytesParam(ByteString.copyFrom(onnx))
                    .build(),
                "ignored_option",
                ModelRepositoryParameter.newBuilder().setBoolParam(true).build()),
            DeploymentLimits.DEFAULTS);
    assertNull(load.config());
    assertEquals("2", load.highestUploadedVersion());
    assertArrayEquals(onnx, load.files().get("2"));

    ApiException asString =
        assertThrows(
            ApiException.class,
            () ->
                GrpcRepository.loadRequest(
                    Map.of(
                        "file:1/model.onnx",
                        ModelRepositoryParameter.newBuilder().setStringParam("AQID").build()),
                    DeploymentLimits.DEFAULTS));
    assertTrue(asString.getMessage().contains("must be a bytes_param"), asString.getMessage());
    ApiException otherFile =
        assertThrows(
            ApiException.class,
            () ->
                GrpcRepository.loadRequest(
                    Map.of(
                        "file:1/weights.bin",
                        ModelRepositoryParameter.newBuilder()
                            .setBytesParam(ByteString.copyFrom(onnx))
                            .build()),
                    DeploymentLimits.DEFAULTS));
    assertTrue(otherFile.getMessage().contains("unsupported file"), otherFile.getMessage());
    ApiException configAsBytes =
        assertThrows(
            ApiException.class,
            () ->
                GrpcRepository.loadRequest(
                    Map.of(
                        "config",
                        ModelRepositoryParameter.newBuilder()
                            .setBytesParam(ByteString.copyFromUtf8("{}"))
                            .build()),
                    DeploymentLimits.DEFAULTS));
    assertTrue(configAsBytes.getMessage().startsWith("parameter 'config' must be a string_param"));
  }

  @Test
  void statisticsAreTritonsMessage() {
    StatCounter c = new StatCounter(4, 4000);
    ReplicaStats s =
        new ReplicaStats(
            "m",
            "1",
            1234,
            8,
            2,
            c,
            StatCounter.ZERO,
            new StatCounter(4, 100),
            c,
            new StatCounter(2, 9000),
            c,
            StatCounter.ZERO,
            List.of(new BatchStat(4, c, c, c)),
            new StatCounter(3, 300),
            new StatCounter(1, 700));
    ModelStatisticsResponse r = GrpcStatistics.of(List.of(s));
    ModelStatistics m = r.getModelStats(0);
    assertEquals("m", m.getName());
    assertEquals("1", m.getVersion());
    assertEquals(1234, m.getLastInference());
    assertEquals(8, m.getInferenceCount());
    assertEquals(2, m.getExecutionCount());
    assertEquals(4, m.getInferenceStats().getSuccess().getCount());
    assertEquals(100, m.getInferenceStats().getQueue().getNs());
    assertEquals(9000, m.getInferenceStats().getComputeInfer().getNs());
    assertEquals(4, m.getBatchStats(0).getBatchSize());
    assertEquals(4, m.getBatchStats(0).getComputeInfer().getCount());
    assertEquals(3, m.getInferenceStats().getCacheHit().getCount());
    assertEquals(700, m.getInferenceStats().getCacheMiss().getNs());
  }

  @Test
  void httpStatusesMapAsTritonclientReadsThem() {
    assertEquals(Status.Code.INVALID_ARGUMENT, GrpcStatus.ofHttp(400).getCode());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, GrpcStatus.ofHttp(413).getCode());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, GrpcStatus.ofHttp(429).getCode());
    assertEquals(Status.Code.UNAVAILABLE, GrpcStatus.ofHttp(503).getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, GrpcStatus.ofHttp(403).getCode());
    assertEquals(
        Status.Code.UNAVAILABLE,
        GrpcStatus.of(new java.util.concurrent.TimeoutException("ask")).getCode());
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        GrpcStatus.of(new io.modelfleet.protocol.tensor.TensorFormatException("bad")).getCode());
  }
}
