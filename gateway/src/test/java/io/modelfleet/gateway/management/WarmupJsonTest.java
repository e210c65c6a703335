package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.WarmupSample;
import io.modelfleet.protocol.tensor.DataType;
import io.modelfleet.protocol.tensor.Tensors;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Triton's model_warmup in JSON, as a deployment or a load's config carries it. */
class WarmupJsonTest {

  private static List<WarmupSample> parse(String json, int maxBatchSize) {
    return WarmupJson.parse(
        "model_warmup",
        Json.parse(ByteString.fromString(json)),
        maxBatchSize,
        DeploymentLimits.DEFAULTS);
  }

  private static String reject(String json) {
    ApiException e = assertThrows(ApiException.class, () -> parse(json, 0));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void readsTritonsFormWithTheBatchDimensionInFront() {
    List<WarmupSample> s =
        parse(
            "[{\"name\":\"zeros\",\"batch_size\":4,\"count\":2,\"inputs\":{"
                + "\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[3],\"zero_data\":true},"
                + "\"t\":{\"data_type\":\"TYPE_STRING\",\"dims\":[\"2\"],\"random_data\":true}}}]",
            8);
    WarmupSample z = s.get(0);
    assertEquals("zeros", z.name());
    assertEquals(4, z.batchSize());
    assertEquals(2, z.executions());
    assertEquals(
        new WarmupSample.Input("x", DataType.FP32, new long[] {4, 3}, WarmupSample.Fill.ZERO, null),
        z.inputs().get(0));
    assertEquals(
        new WarmupSample.Input(
            "t", DataType.BYTES, new long[] {4, 2}, WarmupSample.Fill.RANDOM, null),
        z.inputs().get(1));
  }

  @Test
  void withoutBatchingTheDimsAreTheShape() {
    WarmupSample s =
        parse(
                "[{\"name\":\"one\",\"inputs\":{\"x\":{\"data_type\":\"INT64\",\"dims\":[2,2],\"zero_data\":false}}}]",
                0)
            .get(0);
    assertEquals(1, s.batchSize());
    assertEquals(1, s.executions());
    assertArrayEquals(new long[] {2, 2}, s.inputs().get(0).shape());
    // As in Triton, setting zero_data selects zeros whatever its value.
    assertEquals(WarmupSample.Fill.ZERO, s.inputs().get(0).fill());
  }

  @Test
  void inlineDataIsEncodedAndRepeatedPerBatchRow() {
    WarmupSample.Input in =
        parse(
                "[{\"name\":\"given\",\"batch_size\":2,\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\","
                    + "\"dims\":[2],\"input_data\":[1.5,2]}}}]",
                4)
            .get(0)
            .inputs()
            .get(0);
    assertEquals(WarmupSample.Fill.DATA, in.fill());
    assertArrayEquals(new long[] {2, 2}, in.shape());
    assertArrayEquals(
        Tensors.ofFloats("x", new long[] {2, 2}, 1.5f, 2f, 1.5f, 2f).data(), in.data());
    WarmupSample.Input text =
        parse(
                "[{\"name\":\"t\",\"inputs\":{\"s\":{\"data_type\":\"TYPE_STRING\",\"dims\":[2],"
                    + "\"input_data\":[\"1.5\",\"2\"]}}}]",
                0)
            .get(0)
            .inputs()
            .get(0);
    assertArrayEquals(Tensors.ofStrings("s", new long[] {2}, "1.5", "2").data(), text.data());
  }

  @Test
  void namesWhatIsWrong() {
    assertEquals("'model_warmup' must be an array of warm-up samples, got an object", reject("{}"));
    assertEquals(
        "'model_warmup[0].name' must be a non-empty string of at most 128 characters, got nothing",
        reject("[{\"inputs\":{}}]"));
    assertEquals(
        "unknown field 'model_warmup[0].batch'; expected one of [batch_size, count, inputs, name]",
        reject("[{\"name\":\"s\",\"batch\":1}]"));
    assertEquals(
        "'model_warmup[0].inputs.x' must set exactly one of zero_data, random_data or input_data, got none",
        reject("[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1]}}}]"));
    assertEquals(
        "'model_warmup[0].inputs.x' must set exactly one of zero_data, random_data or input_data, got [zero_data, random_data]",
        reject(
            "[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1],\"zero_data\":true,\"random_data\":true}}}]"));
    assertEquals(
        "'model_warmup[0].inputs.x.input_data_file' is not supported: a deployment has no model directory;"
            + " give the values inline as 'input_data'",
        reject(
            "[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1],\"input_data_file\":\"raw\"}}}]"));
    assertEquals(
        "'model_warmup[0].inputs.x.data_type' must be a datatype such as TYPE_FP32, TYPE_INT64 or TYPE_STRING,"
            + " got a string \"TYPE_FLOAT\"",
        reject(
            "[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FLOAT\",\"dims\":[1],\"zero_data\":true}}}]"));
    assertEquals(
        "'model_warmup[0].inputs.x.dims[0]' must be a non-negative integer (warm-up shapes are concrete;"
            + " -1 is not allowed), got the number -1",
        reject(
            "[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[-1],\"zero_data\":true}}}]"));
    assertEquals(
        "'model_warmup[0].inputs.x.input_data': input 'x': data has more than 2 elements but shape [2] needs 2",
        reject(
            "[{\"name\":\"s\",\"inputs\":{\"x\":{\"data_type\":\"TYPE_FP32\",\"dims\":[2],\"input_data\":[1,2,3]}}}]"));
  }
}
