package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.ValidationSample;
import io.modelfleet.protocol.tensor.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** A version's validation samples in JSON, with their bounds. */
class ValidationJsonTest {

  private static final String X =
      "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,2]}";
  private static final String Y =
      "{\"name\":\"y\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[3]}";

  private static List<ValidationSample> parse(String json, DeploymentLimits limits) {
    return ValidationJson.parseBody(Json.parse(ByteString.fromString(json)), limits);
  }

  private static String reject(String json) {
    return reject(json, DeploymentLimits.DEFAULTS);
  }

  private static String reject(String json, DeploymentLimits limits) {
    ApiException e = assertThrows(ApiException.class, () -> parse(json, limits));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  private static String sample(String name, String extra) {
    return "{\"name\":\""
        + name
        + "\",\"inputs\":["
        + X
        + "],\"outputs\":["
        + Y
        + "]"
        + extra
        + "}";
  }

  @Test
  void readsInputsOutputsAndTolerancesWithDefaults() {
    List<ValidationSample> s =
        parse(
            "{\"samples\":["
                + sample("a", ",\"atol\":0.5,\"rtol\":0")
                + ","
                + sample("b", "")
                + "]}",
            DeploymentLimits.DEFAULTS);
    assertEquals(2, s.size());
    ValidationSample a = s.get(0);
    assertEquals("a", a.name());
    assertEquals(0.5, a.atol());
    assertEquals(0.0, a.rtol());
    assertEquals(DataType.FP32, a.inputs().get(0).datatype());
    assertArrayEquals(new long[] {1, 2}, a.inputs().get(0).shape());
    assertArrayEquals(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(2f).array(),
        a.inputs().get(0).data());
    assertEquals(DataType.INT64, a.outputs().get(0).datatype());
    assertEquals(ValidationSample.DEFAULT_ATOL, s.get(1).atol());
    assertEquals(ValidationSample.DEFAULT_RTOL, s.get(1).rtol());
    assertTrue(parse("{\"samples\":[]}", DeploymentLimits.DEFAULTS).isEmpty());
  }

  @Test
  void malformedSamplesAreRefusedNamingTheField() {
    assertTrue(reject("{}").contains("'samples' is required"));
    assertTrue(reject("{\"samples\":{}}").contains("must be an array"));
    assertTrue(reject("{\"samples\":[],\"x\":1}").contains("unknown field 'x'"));
    assertTrue(
        reject("{\"samples\":[" + sample("a", ",\"tol\":1") + "]}").contains("samples[0].tol"));
    assertTrue(reject("{\"samples\":[" + sample("", "") + "]}").contains("samples[0].name"));
    assertTrue(
        reject("{\"samples\":[" + sample("a", "") + "," + sample("a", "") + "]}")
            .contains("comes earlier"));
    assertTrue(
        reject("{\"samples\":[" + sample("a", ",\"atol\":-1") + "]}")
            .contains("'samples[0].atol' must be a non-negative number"));
    assertTrue(
        reject("{\"samples\":[" + sample("a", ",\"rtol\":\"x\"") + "]}")
            .contains("samples[0].rtol"));
    assertTrue(
        reject("{\"samples\":[{\"name\":\"a\",\"inputs\":[],\"outputs\":[" + Y + "]}]}")
            .contains("'samples[0].inputs' must be a non-empty array"));
    String bad =
        reject(
            "{\"samples\":[{\"name\":\"a\",\"inputs\":["
                + X
                + "],\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1]}]}]}");
    assertTrue(bad.startsWith("'samples[0].outputs[0]': "), bad);
    assertTrue(
        reject(
                "{\"samples\":[{\"name\":\"a\",\"inputs\":["
                    + X
                    + ","
                    + X
                    + "],\"outputs\":["
                    + Y
                    + "]}]}")
            .contains("named twice"));
  }

  @Test
  void boundsAreTheWarmUpBounds() {
    DeploymentLimits small = new DeploymentLimits(4, 8, 4, 1000, 8, 1, 1, 1, 64, 12);
    assertTrue(
        reject("{\"samples\":[" + sample("a", "") + "," + sample("b", "") + "]}", small)
            .contains("max-warmup-samples"));
    assertTrue(
        reject(
                "{\"samples\":[{\"name\":\"a\",\"inputs\":["
                    + X
                    + ","
                    + Y
                    + "],\"outputs\":["
                    + Y
                    + "]}]}",
                small)
            .contains("max-warmup-inputs"));
    // 8 bytes of input and 8 of output: past 12.
    assertTrue(
        reject("{\"samples\":[" + sample("a", "") + "]}", small).contains("max-warmup-data-bytes"));
  }
}
