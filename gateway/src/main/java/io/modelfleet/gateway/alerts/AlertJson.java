package io.modelfleet.gateway.alerts;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.alerts.AlertInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@code GET /v1/alerts}: {@code {"alerts":[{"name","severity","state","since",
 * "active_at","labels","annotations","value","node"}]}}, times in RFC 3339 (UTC). {@code since} is
 * when a firing alert started firing (for a pending one: when its condition started to hold);
 * {@code node} is the node that evaluates it.
 */
final class AlertJson {
  private AlertJson() {}

  static void alerts(List<AlertInfo> alerts, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("alerts");
    for (AlertInfo a : alerts) {
      g.writeStartObject();
      g.writeStringField("name", a.name());
      g.writeStringField("severity", a.severity());
      g.writeStringField("state", a.state());
      g.writeStringField("since", Instant.ofEpochMilli(a.sinceMillis()).toString());
      g.writeStringField("active_at", Instant.ofEpochMilli(a.activeAtMillis()).toString());
      map(g, "labels", a.labels());
      map(g, "annotations", a.annotations());
      g.writeNumberField("value", a.value());
      g.writeStringField("node", a.node());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void map(JsonGenerator g, String field, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
