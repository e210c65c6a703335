package io.modelfleet.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpcInferParametersTest {

  private static InferParameter int64(long v) {
    return InferParameter.newBuilder().setInt64Param(v).build();
  }

  private static InferParameter uint64(long v) {
    return InferParameter.newBuilder().setUint64Param(v).build();
  }

  private static InferParameter bool(boolean v) {
    return InferParameter.newBuilder().setBoolParam(v).build();
  }

  private static InferParameter string(String v) {
    return InferParameter.newBuilder().setStringParam(v).build();
  }

  private static String reject(Map<String, InferParameter> params) {
    ApiException e = assertThrows(ApiException.class, () -> GrpcInferParameters.read(params));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void priorityAndTimeoutAsTritonclientSendsThem() {
    // tritonclient.grpc: priority as uint64_param, timeout as int64_param.
    GrpcInferParameters p =
        GrpcInferParameters.read(Map.of("priority", uint64(2), "timeout", int64(1_500_000)));
    assertEquals(new GrpcInferParameters(2, 1_500_000), p);
    assertEquals(
        new GrpcInferParameters(1, 7),
        GrpcInferParameters.read(Map.of("priority", int64(1), "timeout", uint64(7))));
    assertEquals(GrpcInferParameters.NONE, GrpcInferParameters.read(Map.of()));
  }

  @Test
  void otherParametersAreIgnored() {
    assertEquals(
        GrpcInferParameters.NONE,
        GrpcInferParameters.read(
            Map.of("binary_data_output", bool(true), "custom", string("anything"))));
  }

  @Test
  void outOfRangeOrWrongKindIsNamed() {
    assertTrue(
        reject(Map.of("priority", int64(-1)))
            .startsWith("request parameter 'priority' must be a non-negative integer"));
    assertTrue(
        reject(Map.of("priority", uint64(1L << 40)))
            .startsWith("request parameter 'priority' must be at most 2147483647"));
    assertTrue(
        reject(Map.of("timeout", uint64(-1L)))
            .contains("must be at most 9223372036854775807, got 18446744073709551615"));
    assertTrue(reject(Map.of("timeout", string("5s"))).contains("got string_param \"5s\""));
  }

  @Test
  void sequencesAreRefusedUnlessTheyAskForNothing() {
    assertTrue(
        reject(Map.of("sequence_id", int64(9)))
            .startsWith("request parameter 'sequence_id' is not supported"));
    assertTrue(
        reject(Map.of("sequence_id", string("s")))
            .startsWith("request parameter 'sequence_id' is not supported"));
    assertTrue(
        reject(Map.of("sequence_start", bool(true)))
            .startsWith("request parameter 'sequence_start' is not supported"));
    assertEquals(
        GrpcInferParameters.NONE,
        GrpcInferParameters.read(
            Map.of(
                "sequence_id",
                int64(0),
                "sequence_start",
                bool(false),
                "sequence_end",
                bool(false))));
  }
}
