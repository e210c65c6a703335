package io.modelfleet.gateway.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.oip.tensor.JsonValueText;
import java.io.IOException;

/**
 * The request-level inference parameters both fronts read (HTTP's {@code "parameters"} object,
 * gRPC's {@code ModelInferRequest.parameters} map), so that one request means the same on either:
 * {@code priority} (1 the highest, 0 the default) and {@code timeout} (microseconds in the queue)
 * are honoured; Triton's sequence parameters are refused, since ModelFleet has no sequence batcher
 * and serving a stateful request statelessly would answer wrong numbers without a word.
 */
public final class RequestParameters {

  private RequestParameters() {}

  public static final String PRIORITY = "priority";
  public static final String TIMEOUT = "timeout";

  /** The largest priority: the replica's queue ranks it as an int. */
  public static final long MAX_PRIORITY = Integer.MAX_VALUE;

  public static final String PRIORITY_MEANING = "1 is the highest, 0 the default";
  public static final String TIMEOUT_MEANING = "microseconds allowed in the queue";

  /** Whether {@code name} is one of Triton's sequence parameters. */
  public static boolean isSequence(String name) {
    return name.equals("sequence_id")
        || name.equals("sequence_start")
        || name.equals("sequence_end");
  }

  /** The 400 answer to a request that sets sequence parameter {@code name}. */
  public static ApiException sequenceRefused(String name) {
    return ApiException.badRequest(
        "request parameter '"
            + name
            + "' is not supported: ModelFleet serves stateless models and has no sequence"
            + " batcher; send the request without 'sequence_id', 'sequence_start' and"
            + " 'sequence_end'");
  }

  /**
   * Refuses a JSON sequence parameter that sets something (a non-zero id, a non-empty string id,
   * true); 0, "", false and null are what clients send when they mean no sequence, and pass.
   */
  static void refuseSequence(String name, JsonParser p, JsonToken v) throws IOException {
    boolean unset =
        v == JsonToken.VALUE_NULL
            || v == JsonToken.VALUE_FALSE
            || (v == JsonToken.VALUE_STRING && p.getText().isEmpty())
            || (v == JsonToken.VALUE_NUMBER_INT && p.getNumberValue().doubleValue() == 0);
    if (!unset) {
      throw sequenceRefused(name);
    }
  }

  /** A request parameter that must be an integer from 0 to {@code max}; 0 when null. */
  static long nonNegative(JsonParser p, JsonToken v, String field, long max, String meaning)
      throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return 0;
    }
    boolean integral =
        v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    if (!integral || p.getLongValue() < 0) {
      throw ApiException.badRequest(
          "request parameter '"
              + field
              + "' must be a non-negative integer ("
              + meaning
              + "), got "
              + JsonValueText.kind(p));
    }
    if (p.getLongValue() > max) {
      throw ApiException.badRequest(
          "request parameter '"
              + field
              + "' must be at most "
              + max
              + ", got "
              + JsonValueText.kind(p));
    }
    return p.getLongValue();
  }
}
