package io.modelfleet.gateway.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import org.junit.jupiter.api.Test;

class TritonConfigTest {

  @Test
  void withoutInstanceGroupOneReplicaOnAnyDevice() {
    assertEquals(
        new TritonConfig(1, DeviceKind.AUTO),
        TritonConfig.parse("{\"name\":\"m\",\"max_batch_size\":8}"));
    assertEquals(
        new TritonConfig(1, DeviceKind.AUTO), TritonConfig.parse("{\"instance_group\":[]}"));
  }

  @Test
  void readsTritonsResponseCache() {
    assertEquals(
        ResponseCacheSpec.ON,
        TritonConfig.parse("{\"response_cache\":{\"enable\":true}}").responseCache());
    assertEquals(
        ResponseCacheSpec.ON,
        TritonConfig.parse(
                "{\"instance_group\":[{\"kind\":\"KIND_CPU\"}],\"response_cache\":{\"enable\":true}}")
            .responseCache());
    assertEquals(ResponseCacheSpec.OFF, TritonConfig.parse("{}").responseCache());
    ApiException e =
        assertThrows(
            ApiException.class, () -> TritonConfig.parse("{\"response_cache\":{\"enable\":1}}"));
    assertEquals(
        "'config response_cache.enable' must be true or false, got the number 1", e.getMessage());
  }

  @Test
  void countsAddUpAcrossGroupsAndDefaultToOne() {
    TritonConfig c =
        TritonConfig.parse(
            "{\"instance_group\":[{\"count\":2,\"kind\":\"KIND_GPU\"},{\"kind\":\"KIND_GPU\"}]}");
    assertEquals(new TritonConfig(3, DeviceKind.GPU), c);
  }

  @Test
  void kindsMapToDevices() {
    assertEquals(
        DeviceKind.CPU,
        TritonConfig.parse("{\"instance_group\":[{\"count\":4,\"kind\":\"KIND_CPU\"}]}").device());
    assertEquals(
        DeviceKind.GPU,
        TritonConfig.parse("{\"instance_group\":[{\"kind\":\"KIND_GPU\"}]}").device());
    assertEquals(
        DeviceKind.AUTO,
        TritonConfig.parse("{\"instance_group\":[{\"kind\":\"KIND_AUTO\"}]}").device());
    assertEquals(
        DeviceKind.AUTO, TritonConfig.parse("{\"instance_group\":[{\"count\":2}]}").device());
    // AUTO defers to the explicit kind of another group.
    assertEquals(
        new TritonConfig(2, DeviceKind.CPU),
        TritonConfig.parse(
            "{\"instance_group\":[{\"kind\":\"KIND_AUTO\"},{\"kind\":\"KIND_CPU\"}]}"));
  }

  @Test
  void countIsPerListedGpu() {
    assertEquals(
        new TritonConfig(4, DeviceKind.GPU),
        TritonConfig.parse(
            "{\"instance_group\":[{\"count\":2,\"kind\":\"KIND_GPU\",\"gpus\":[0,1]}]}"));
  }

  @Test
  void malformedJsonIsA400NamingConfig() {
    ApiException e =
        assertThrows(ApiException.class, () -> TritonConfig.parse("{\"instance_group\": ["));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().startsWith("parameters.config is not valid JSON"), e.getMessage());
  }

  @Test
  void configMustBeAnObject() {
    ApiException e = assertThrows(ApiException.class, () -> TritonConfig.parse("[1,2]"));
    assertEquals("parameters.config must be a JSON object, got an array", e.getMessage());
  }

  @Test
  void badGroupsAreRefusedByName() {
    assertEquals(
        "config instance_group[0] 'count' must be a positive integer, got the number 0",
        reject("{\"instance_group\":[{\"count\":0}]}"));
    assertEquals(
        "config instance_group[1] 'kind' must be KIND_AUTO, KIND_GPU or KIND_CPU, got a string \"KIND_MODEL\"",
        reject("{\"instance_group\":[{},{\"kind\":\"KIND_MODEL\"}]}"));
    assertEquals(
        "config 'instance_group' must be an array, got an object",
        reject("{\"instance_group\":{\"count\":1}}"));
    assertTrue(
        reject("{\"instance_group\":[{\"kind\":\"KIND_CPU\"},{\"kind\":\"KIND_GPU\"}]}")
            .contains("both KIND_CPU and KIND_GPU"));
    assertEquals(
        "config instance_group asks for 65 instances; at most 64 are allowed",
        reject("{\"instance_group\":[{\"count\":65}]}"));
  }

  private static String reject(String config) {
    ApiException e = assertThrows(ApiException.class, () -> TritonConfig.parse(config));
    assertEquals(400, e.status());
    return e.getMessage();
  }
}
