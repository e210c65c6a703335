package io.modelfleet.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
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
    assertEquals(new DeploymentSpec("1", 2, DeviceKind.GPU), parse("{\"version\":\"1\",\"replicas\":2,\"device\":\"GPU\"}"));
    assertEquals(new DeploymentSpec("v2", 0, DeviceKind.AUTO), parse("{\"version\":\"v2\",\"replicas\":0}"));
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertEquals("unknown field 'replica'; a deployment has version, replicas and device",
        reject("{\"version\":\"1\",\"replica\":2}"));
    assertEquals("'version' is required", reject("{\"replicas\":2}"));
    assertEquals("'version' must be a string, got the number 1", reject("{\"version\":1,\"replicas\":2}"));
    assertEquals("'replicas' is required", reject("{\"version\":\"1\"}"));
    assertEquals("'replicas' must be an integer from 0 to 64, got the number 65",
        reject("{\"version\":\"1\",\"replicas\":65}"));
    assertEquals("'replicas' must be an integer from 0 to 64, got the number 1.5",
        reject("{\"version\":\"1\",\"replicas\":1.5}"));
    assertEquals("'device' must be one of auto, cpu, gpu, got a string \"tpu\"",
        reject("{\"version\":\"1\",\"replicas\":1,\"device\":\"tpu\"}"));
    assertEquals("the deployment must be a JSON object, got an array", reject("[]"));
  }
}
