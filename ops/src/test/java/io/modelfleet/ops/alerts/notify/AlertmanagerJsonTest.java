package io.modelfleet.ops.alerts.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfleet.ops.alerts.notify.AlertmanagerJson.Notified;
import io.modelfleet.protocol.alerts.AlertInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant FIRED = Instant.parse("2025-01-01T10:00:00Z");

  private static AlertInfo alert(String model) {
    return new AlertInfo(
        "ModelFleetModelLatencyHigh",
        "warning",
        "firing",
        FIRED.minusSeconds(60).toEpochMilli(),
        FIRED.toEpochMilli(),
        Map.of("alertname", "ModelFleetModelLatencyHigh", "severity", "warning", "model", model),
        Map.of("summary", "slow " + model, "description", "p99 2 s"),
        2,
        "pekko://modelfleet@h:1");
  }

  @Test
  void theWebhookPayloadHasEveryFieldOfVersion4() throws Exception {
    byte[] body =
        AlertmanagerJson.webhook(
            "modelfleet",
            "firing",
            "ModelFleetModelLatencyHigh",
            List.of(
                new Notified(alert("a"), "firing", null), new Notified(alert("b"), "firing", null)),
            "http://fleet:8000");
    JsonNode p = JSON.readTree(body);
    assertEquals("4", p.get("version").asText());
    assertEquals("{}:{alertname=\"ModelFleetModelLatencyHigh\"}", p.get("groupKey").asText());
    assertEquals("firing", p.get("status").asText());
    assertEquals("modelfleet", p.get("receiver").asText());
    assertEquals("ModelFleetModelLatencyHigh", p.get("groupLabels").get("alertname").asText());
    assertEquals(
        JSON.readTree("{\"alertname\":\"ModelFleetModelLatencyHigh\",\"severity\":\"warning\"}"),
        p.get("commonLabels"));
    assertEquals(JSON.readTree("{\"description\":\"p99 2 s\"}"), p.get("commonAnnotations"));
    assertEquals("http://fleet:8000", p.get("externalURL").asText());
    assertEquals(0, p.get("truncatedAlerts").asInt());
    JsonNode a = p.get("alerts").get(0);
    assertEquals("firing", a.get("status").asText());
    assertEquals("a", a.get("labels").get("model").asText());
    assertEquals("slow a", a.get("annotations").get("summary").asText());
    assertEquals("2025-01-01T10:00:00Z", a.get("startsAt").asText());
    assertEquals("0001-01-01T00:00:00Z", a.get("endsAt").asText());
    assertEquals("http://fleet:8000/v1/alerts", a.get("generatorURL").asText());
    assertEquals(Fingerprint.of(alert("a").labels()), a.get("fingerprint").asText());
  }

  @Test
  void aResolvedAlertEndsAndThePostableFormIsAnArray() throws Exception {
    Instant ended = FIRED.plusSeconds(30);
    JsonNode p =
        JSON.readTree(
            AlertmanagerJson.webhook(
                "r", "resolved", "X", List.of(new Notified(alert("a"), "resolved", ended)), ""));
    assertEquals("2025-01-01T10:00:30Z", p.get("alerts").get(0).get("endsAt").asText());
    assertEquals("", p.get("alerts").get(0).get("generatorURL").asText());
    JsonNode postable =
        JSON.readTree(
            AlertmanagerJson.postable(List.of(new Notified(alert("a"), "firing", null)), ""));
    assertEquals(1, postable.size());
    assertEquals("a", postable.get(0).get("labels").get("model").asText());
    assertEquals("2025-01-01T10:00:00Z", postable.get(0).get("startsAt").asText());
  }
}
