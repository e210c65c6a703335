package io.modelfleet.gateway.grpc;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.grpc.proto.InferParameter;
import io.modelfleet.gateway.oip.RequestParameters;
import java.util.Map;

/**
 * The request-level {@code parameters} of a gRPC inference, read as HTTP reads its JSON ones
 * ({@link RequestParameters}): {@code priority} and {@code timeout} (microseconds) as non-negative
 * integers, whether the client sends them as {@code uint64_param} (tritonclient's priority) or
 * {@code int64_param} (its timeout); the sequence parameters refused when they set anything; every
 * other parameter, {@code binary_data_output} included, ignored (raw outputs follow raw inputs).
 *
 * @param priority 0 (the default) to {@link RequestParameters#MAX_PRIORITY}
 * @param timeoutMicros 0 (none) or the microseconds the request may wait in the queue
 */
record GrpcInferParameters(int priority, long timeoutMicros) {

  static final GrpcInferParameters NONE = new GrpcInferParameters(0, 0);

  /**
   * @throws ApiException 400 naming the parameter when one is of the wrong kind or range
   */
  static GrpcInferParameters read(Map<String, InferParameter> parameters) {
    if (parameters.isEmpty()) {
      return NONE;
    }
    long priority = 0;
    long timeout = 0;
    for (Map.Entry<String, InferParameter> e : parameters.entrySet()) {
      String name = e.getKey();
      InferParameter p = e.getValue();
      if (name.equals(RequestParameters.PRIORITY)) {
        priority =
            nonNegative(
                name, p, RequestParameters.MAX_PRIORITY, RequestParameters.PRIORITY_MEANING);
      } else if (name.equals(RequestParameters.TIMEOUT)) {
        timeout = nonNegative(name, p, Long.MAX_VALUE, RequestParameters.TIMEOUT_MEANING);
      } else if (RequestParameters.isSequence(name) && sets(p)) {
        throw RequestParameters.sequenceRefused(name);
      }
    }
    return new GrpcInferParameters((int) priority, timeout);
  }

  /** An integer parameter from 0 to {@code max}, signed or unsigned on the wire. */
  private static long nonNegative(String name, InferParameter p, long max, String meaning) {
    long v;
    switch (p.getParameterChoiceCase()) {
      case INT64_PARAM -> v = p.getInt64Param();
      case UINT64_PARAM -> {
        v = p.getUint64Param();
        if (v < 0) {
          throw ApiException.badRequest(
              "request parameter '"
                  + name
                  + "' must be at most "
                  + max
                  + ", got "
                  + Long.toUnsignedString(v));
        }
      }
      case PARAMETERCHOICE_NOT_SET -> v = 0;
      default ->
          throw ApiException.badRequest(
              "request parameter '"
                  + name
                  + "' must be a non-negative integer ("
                  + meaning
                  + ") in int64_param or uint64_param, got "
                  + kind(p));
    }
    if (v < 0) {
      throw ApiException.badRequest(
          "request parameter '"
              + name
              + "' must be a non-negative integer ("
              + meaning
              + "), got "
              + v);
    }
    if (v > max) {
      throw ApiException.badRequest(
          "request parameter '" + name + "' must be at most " + max + ", got " + v);
    }
    return v;
  }

  /** Whether a sequence parameter asks for a sequence (0, "" and false do not). */
  private static boolean sets(InferParameter p) {
    return switch (p.getParameterChoiceCase()) {
      case BOOL_PARAM -> p.getBoolParam();
      case INT64_PARAM -> p.getInt64Param() != 0;
      case UINT64_PARAM -> p.getUint64Param() != 0;
      case STRING_PARAM -> !p.getStringParam().isEmpty();
      case DOUBLE_PARAM -> p.getDoubleParam() != 0;
      case PARAMETERCHOICE_NOT_SET -> false;
    };
  }

  private static String kind(InferParameter p) {
    return switch (p.getParameterChoiceCase()) {
      case BOOL_PARAM -> "bool_param " + p.getBoolParam();
      case STRING_PARAM -> "string_param \"" + p.getStringParam() + "\"";
      case DOUBLE_PARAM -> "double_param " + p.getDoubleParam();
      default -> p.getParameterChoiceCase().name();
    };
  }
}
