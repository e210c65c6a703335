package io.modelfleet.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfleet.node.testing.Http;
import io.modelfleet.node.testing.NodeProcess;
import io.modelfleet.node.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log and JSON logs as shipped (the node's own logback.xml, not the tests'): a node
 * process started with {@code MODELFLEET_LOG_FORMAT=json} writes every log line as a JSON object,
 * and one access-log line per request with its method, path, route, status, duration, request id
 * and the key's id; health probes are left out; a bad format value stops the node naming it.
 */
class AccessLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonLogsCarryOneAccessLineForEveryRequest() throws Exception {
    String config = AccessLogIT.class.getResource("/logback.xml").toExternalForm();
    try (NodeProcess node =
        NodeProcess.start(
            dir.resolve("data"),
            Map.of(
                "MODELFLEET_LOG_FORMAT",
                "json",
                "MODELFLEET_DEMO_MODEL",
                "true",
                "MODELFLEET_ACCESS_LOG",
                "on"),
            List.of("-Dlogback.configurationFile=" + config))) {
      Http http = new Http(node.baseUrl());
      try {
        http.await("/v2/models/demo/ready", r -> r.status() == 200, Duration.ofSeconds(90));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.log(), e);
      }
      Http.Response r =
          http.send(
              HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/models/demo/infer"))
                  .header("Content-Type", "application/json")
                  .header("X-Request-Id", "access-log-it-1")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                              + "\"data\":[1,2,3,4]}]}")));
      assertEquals(200, r.status(), r.body());
      JsonNode line = awaitAccessLine(node, "access-log-it-1");
      assertEquals("INFO", line.get("level").asText());
      JsonNode kv = fields(line);
      assertEquals("POST", kv.get("method").asText());
      assertEquals("/v2/models/demo/infer", kv.get("path").asText());
      assertEquals("/v2/models/{m}/infer", kv.get("route").asText());
      assertEquals("200", kv.get("status").asText());
      assertTrue(Double.parseDouble(kv.get("duration_ms").asText()) > 0);
      assertEquals("default", kv.get("tenant").asText());
      assertTrue(kv.get("key_id").asText().startsWith("k"), kv.toString());
      assertTrue(!node.log().contains(TestKeys.ADMIN), "no key in the log");
      for (String l : node.log().split("\n")) {
        if (l.startsWith("{")) {
          JsonNode parsed = JSON.readTree(l);
          assertTrue(parsed.has("message") || parsed.has("formattedMessage"), l);
        }
        assertTrue(!l.contains("/v2/health/ready"), "probes are not logged: " + l);
      }
    }
  }

  @Test
  void anUnknownLogFormatStopsTheNodeNamingTheSetting() throws Exception {
    try (NodeProcess node =
        NodeProcess.start(dir.resolve("bad"), Map.of("MODELFLEET_LOG_FORMAT", "xml"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (node.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(78, node.exitCode(), node.log());
      assertTrue(node.log().contains("MODELFLEET_LOG_FORMAT must be text or json"), node.log());
    }
  }

  private static JsonNode awaitAccessLine(NodeProcess node, String requestId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String l : node.log().split("\n")) {
        if (l.startsWith("{") && l.contains("io.modelfleet.access") && l.contains(requestId)) {
          return JSON.readTree(l);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no access line for " + requestId + " in:\n" + node.log());
  }

  /** logback's JsonEncoder writes key-value pairs as "kvpList": [{"key": "value"}, ...]. */
  private static JsonNode fields(JsonNode line) {
    var merged = JSON.createObjectNode();
    JsonNode list = line.get("kvpList");
    assertTrue(list != null, "no key-value pairs in " + line);
    for (JsonNode pair : list) {
      pair.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
    }
    return merged;
  }
}
