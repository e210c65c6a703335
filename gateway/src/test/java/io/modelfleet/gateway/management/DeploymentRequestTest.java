package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.BatchingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ResponseCacheSpec;
import io.modelfleet.protocol.model.SessionSpec;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class DeploymentRequestTest {

  private static DeploymentSpec parse(String body) {
    return DeploymentRequest.parse(Json.parse(ByteString.fromString(body)));
  }

  private static String reject(String body) {
    ApiException e = assertThrows(ApiException.class, () -> parse(body));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void readsVersionReplicasAndDevice() {
    assertEquals(
        new DeploymentSpec("1", 2, DeviceKind.GPU),
        parse("{\"version\":\"1\",\"replicas\":2,\"device\":\"GPU\"}"));
    assertEquals(
        new DeploymentSpec("v2", 0, DeviceKind.AUTO), parse("{\"version\":\"v2\",\"replicas\":0}"));
  }

  @Test
  void readsTritonStyleBatchingAndOrtOptions() {
    DeploymentSpec d =
        parse(
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":64,\"dynamic_batching\":"
                + "{\"preferred_batch_size\":[16,32],\"max_queue_delay_microseconds\":500,\"max_queue_size\":100},"
                + "\"ort\":{\"intra_op_threads\":2,\"inter_op_threads\":1,\"graph_optimization_level\":\"basic\",\"execution_mode\":\"parallel\"}}");
    assertEquals(new BatchingSpec(64, true, List.of(16, 32), 500, 100), d.batching());
    assertEquals(new SessionSpec(2, 1, "basic", "parallel"), d.session());
    DeploymentSpec plain = parse("{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":8}");
    assertEquals(8, plain.batching().maxBatchSize());
    assertEquals(false, plain.batching().dynamic());
  }

  @Test
  void readsTritonsResponseCacheOptInOffWhenAbsent() {
    assertEquals(
        ResponseCacheSpec.ON,
        parse("{\"version\":\"1\",\"replicas\":1,\"response_cache\":{\"enable\":true}}")
            .responseCache());
    assertEquals(
        ResponseCacheSpec.OFF,
        parse("{\"version\":\"1\",\"replicas\":1,\"response_cache\":{\"enable\":false}}")
            .responseCache());
    assertEquals(
        ResponseCacheSpec.OFF, parse("{\"version\":\"1\",\"replicas\":1}").responseCache());
    assertEquals(
        "'response_cache.enable' must be true or false, got a string",
        reject("{\"version\":\"1\",\"replicas\":1,\"response_cache\":{\"enable\":\"yes\"}}"));
    assertEquals(
        "unknown field 'response_cache.size'; expected one of [enable]",
        reject("{\"version\":\"1\",\"replicas\":1,\"response_cache\":{\"size\":1}}"));
    assertEquals(
        "'response_cache' must be a JSON object, got true",
        reject("{\"version\":\"1\",\"replicas\":1,\"response_cache\":true}"));
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertEquals(
        "unknown field 'replica'; a deployment has [autoscaling, device, dynamic_batching, max_batch_size, model_warmup, ort, replicas, response_cache, version]",
        reject("{\"version\":\"1\",\"replica\":2}"));
    assertEquals(
        "'dynamic_batching' needs 'max_batch_size' of at least 2, got 0",
        reject("{\"version\":\"1\",\"replicas\":1,\"dynamic_batching\":{}}"));
    assertEquals(
        "'dynamic_batching.preferred_batch_size' must be an integer from 1 to 8, got 16",
        reject(
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":8,\"dynamic_batching\":{\"preferred_batch_size\":[16]}}"));
    assertEquals(
        "unknown field 'dynamic_batching.max_delay'; expected one of [max_queue_delay_microseconds, max_queue_size, preferred_batch_size]",
        reject(
            "{\"version\":\"1\",\"replicas\":1,\"max_batch_size\":8,\"dynamic_batching\":{\"max_delay\":5}}"));
    assertEquals(
        "'ort.execution_mode' must be one of [parallel, sequential], got \"fast\"",
        reject("{\"version\":\"1\",\"replicas\":1,\"ort\":{\"execution_mode\":\"fast\"}}"));
    assertEquals("'version' is required", reject("{\"replicas\":2}"));
    assertEquals(
        "'version' must be a string, got the number 1", reject("{\"version\":1,\"replicas\":2}"));
    assertEquals("'replicas' is required", reject("{\"version\":\"1\"}"));
    assertEquals(
        "'replicas' must be an integer from 0 to 64, got the number 65",
        reject("{\"version\":\"1\",\"replicas\":65}"));
    assertEquals(
        "'replicas' must be an integer from 0 to 64, got the number 1.5",
        reject("{\"version\":\"1\",\"replicas\":1.5}"));
    assertEquals(
        "'device' must be one of auto, cpu, gpu, got a string \"tpu\"",
        reject("{\"version\":\"1\",\"replicas\":1,\"device\":\"tpu\"}"));
    assertEquals("the deployment must be a JSON object, got an array", reject("[]"));
  }
}
