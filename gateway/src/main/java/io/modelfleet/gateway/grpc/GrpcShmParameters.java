package io.modelfleet.gateway.grpc;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import io.modelfleet.gateway.grpc.proto.ModelInferRequest;
import io.modelfleet.gateway.grpc.proto.ModelInferResponse;
import io.modelfleet.gateway.shm.ShmRef;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared memory parameters of a gRPC input ({@code InferInputTensor.parameters}) or requested
 * output ({@code InferRequestedOutputTensor.parameters}), as tritonclient sends them: the region as
 * {@code string_param}, the byte size and offset as {@code int64_param} (an unsigned {@code
 * uint64_param} is accepted too).
 */
final class GrpcShmParameters {

  private GrpcShmParameters() {}

  /**
   * The place of {@code who}, or null when its parameters name no region.
   *
   * @throws ApiException 400 naming the parameter of the wrong kind, or a missing one
   */
  static ShmRef ref(String who, Map<String, InferParameter> parameters) {
    if (parameters.isEmpty()) {
      return null;
    }
    InferParameter region = parameters.get(ShmRef.REGION);
    InferParameter size = parameters.get(ShmRef.BYTE_SIZE);
    InferParameter offset = parameters.get(ShmRef.OFFSET);
    if (region == null && size == null && offset == null) {
      return null;
    }
    String name = null;
    if (region != null) {
      if (region.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM) {
        throw ApiException.badRequest(
            who + ": '" + ShmRef.REGION + "' must be a string_param, got " + region);
      }
      name = region.getStringParam();
    }
    return ShmRef.of(
        who, name, integer(who, ShmRef.BYTE_SIZE, size), integer(who, ShmRef.OFFSET, offset));
  }

  /**
   * The requested outputs placed in shared memory, by name (empty when none is).
   *
   * @throws ApiException 400 as {@link #ref}
   */
  static Map<String, ShmRef> outputs(ModelInferRequest request) {
    Map<String, ShmRef> out = Map.of();
    for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
      if (o.getParametersCount() == 0) {
        continue;
      }
      ShmRef ref = ref("output '" + o.getName() + "'", o.getParametersMap());
      if (ref != null) {
        if (out.isEmpty()) {
          out = new HashMap<>();
        }
        out.put(o.getName(), ref);
      }
    }
    return out;
  }

  /** Whether some input names a region. */
  static boolean anyInputInShm(ModelInferRequest request) {
    for (ModelInferRequest.InferInputTensor in : request.getInputsList()) {
      if (in.getParametersCount() > 0 && in.containsParameters(ShmRef.REGION)) {
        return true;
      }
    }
    return false;
  }

  private static Long integer(String who, String name, InferParameter p) {
    if (p == null) {
      return null;
    }
    long v =
        switch (p.getParameterChoiceCase()) {
          case INT64_PARAM -> p.getInt64Param();
          case UINT64_PARAM -> p.getUint64Param();
          default ->
              throw ApiException.badRequest(
                  who + ": '" + name + "' must be an int64_param or uint64_param");
        };
    if (v < 0) {
      throw ApiException.badRequest(who + ": '" + name + "' must not be negative, got " + v);
    }
    return v;
  }

  /** Adds an output's shared memory parameters, as an HTTP response lists them. */
  static void describe(
      ModelInferResponse.InferOutputTensor.Builder out, ShmRef place, long byteSize) {
    out.putParameters(
        ShmRef.REGION, InferParameter.newBuilder().setStringParam(place.region()).build());
    out.putParameters(
        ShmRef.BYTE_SIZE, InferParameter.newBuilder().setInt64Param(byteSize).build());
    if (place.offset() != 0) {
      out.putParameters(
          ShmRef.OFFSET, InferParameter.newBuilder().setInt64Param(place.offset()).build());
    }
  }
}
