package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelView;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class LoadRequestTest {

  private static LoadRequest parse(String body) {
    return LoadRequest.parse(Json.parseObject(ByteString.fromString(body)));
  }

  private static String reject(String body) {
    ApiException e = assertThrows(ApiException.class, () -> parse(body));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anEmptyBodyLoadsWithoutConfigOrFiles() {
    LoadRequest r = parse("");
    assertNull(r.config());
    assertTrue(r.files().isEmpty());
    assertNull(r.highestUploadedVersion());
  }

  @Test
  void readsFilesInVersionOrderAndTheConfig() {
    LoadRequest r =
        parse(
            "{\"parameters\":{"
                + "\"config\":\"{\\\"instance_group\\\":[{\\\"count\\\":2,\\\"kind\\\":\\\"KIND_CPU\\\"}]}\","
                + "\"file:10/model.onnx\":\""
                + b64("ten")
                + "\","
                + "\"file:9/model.onnx\":\""
                + b64("nine")
                + "\","
                + "\"unrelated_option\":true}}");
    assertEquals(new TritonConfig(2, DeviceKind.CPU), r.config());
    assertEquals(List.of("9", "10"), List.copyOf(r.files().keySet()));
    assertArrayEquals("ten".getBytes(StandardCharsets.UTF_8), r.files().get("10"));
    assertEquals("10", r.highestUploadedVersion());
  }

  @Test
  void readsAVersionsValidationSamples() {
    String samples =
        "{\"samples\":[{\"name\":\"s\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\","
            + "\"shape\":[1],\"data\":[1]}],\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\","
            + "\"shape\":[1],\"data\":[2]}]}]}";
    LoadRequest r =
        parse(
            "{\"parameters\":{\"file:2/model.onnx\":\""
                + b64("two")
                + "\",\"file:2/validation.json\":\""
                + b64(samples)
                + "\"}}");
    assertEquals(List.of("2"), List.copyOf(r.files().keySet()));
    assertEquals("s", r.validation().get("2").get(0).name());
    assertEquals("2", r.highestUploadedVersion(), "samples alone upload no version");
    assertTrue(
        reject("{\"parameters\":{\"file:2/validation.json\":\"" + b64("{\"samples\":1}") + "\"}}")
            .startsWith("parameter 'file:2/validation.json': "));
    assertTrue(
        reject("{\"parameters\":{\"file:2/validation.json\":\"" + b64("[") + "\"}}")
            .startsWith("parameter 'file:2/validation.json' is not JSON"));
  }

  @Test
  void refusesWhatItCannotLoad() {
    assertEquals(
        "parameter 'file:1/model.onnx' is not valid base64: Illegal base64 character 21",
        reject("{\"parameters\":{\"file:1/model.onnx\":\"!!!!\"}}"));
    assertEquals(
        "parameter 'file:1/config.pbtxt' names an unsupported file; only 'file:<version>/model.onnx' and 'file:<version>/validation.json' can be loaded",
        reject("{\"parameters\":{\"file:1/config.pbtxt\":\"" + b64("x") + "\"}}"));
    assertTrue(
        reject("{\"parameters\":{\"file:../model.onnx\":\"" + b64("x") + "\"}}")
            .startsWith("version in parameter 'file:../model.onnx' '..' must match"));
    assertEquals(
        "parameters.config must be a string holding the model configuration as JSON, got an object",
        reject("{\"parameters\":{\"config\":{}}}"));
    assertEquals("'parameters' must be a JSON object, got an array", reject("{\"parameters\":[]}"));
  }

  @Test
  void withoutConfigALoadKeepsTheCurrentScale() {
    ModelView view =
        new ModelView(
            "m", Map.of(), Map.of("1", new DeploymentSpec("1", 3, DeviceKind.GPU)), Map.of());
    assertEquals(new DeploymentSpec("2", 3, DeviceKind.GPU), ModelLoader.spec(view, "2", null));
    assertEquals(
        new DeploymentSpec("2", 2, DeviceKind.CPU),
        ModelLoader.spec(view, "2", new TritonConfig(2, DeviceKind.CPU)));
    ModelView undeployed = new ModelView("m", Map.of(), Map.of(), Map.of());
    assertEquals(
        new DeploymentSpec("1", 1, DeviceKind.AUTO), ModelLoader.spec(undeployed, "1", null));
  }

  @Test
  void withoutConfigALoadOfAVersionScaledToZeroKeepsItsAutoscalingAndWakesIt() {
    var autoscaling = new io.modelfleet.protocol.model.AutoscalingSpec(0, 3, 1, 0, 0, 0, 60_000);
    DeploymentSpec zero =
        new DeploymentSpec(
            "1",
            0,
            DeviceKind.CPU,
            io.modelfleet.protocol.model.BatchingSpec.NONE,
            io.modelfleet.protocol.model.SessionSpec.DEFAULTS,
            java.util.List.of(),
            io.modelfleet.protocol.model.ResponseCacheSpec.OFF,
            autoscaling);
    ModelView view = new ModelView("m", Map.of(), Map.of("1", zero), Map.of());
    DeploymentSpec loaded = ModelLoader.spec(view, "1", null);
    assertEquals(1, loaded.replicas(), "not 0, which would undeploy it");
    assertEquals(autoscaling, loaded.autoscaling());
  }

  @Test
  void aZeroPaddedFileVersionIsRefusedNamingTheCanonicalOne() {
    String error = reject("{\"parameters\":{\"file:01/model.onnx\":\"" + b64("x") + "\"}}");
    assertTrue(error.contains("'01'") && error.contains("write it as '1'"), error);
  }
}
