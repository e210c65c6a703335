package io.modelfleet.ops.alerts.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfleet.protocol.alerts.AlertInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's JSON, written from {@link AlertInfo}s: the webhook payload (version "4") that an
 * Alertmanager {@code webhook_config} receiver gets, and the body of {@code POST /api/v2/alerts}.
 * Times are RFC 3339 in UTC; a firing alert's {@code endsAt} is Alertmanager's zero time.
 */
public final class AlertmanagerJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What Alertmanager writes as the end of an alert that has not ended. */
  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertmanagerJson() {}

  /** One alert's transition as the webhook payload carries it. */
  public record Notified(AlertInfo alert, String status, Instant endsAt) {}

  /**
   * A webhook payload for {@code group}: alerts of one name, all {@code status}, grouped by their
   * alert name (the group key is {@code {}:{alertname="…"}}).
   */
  public static byte[] webhook(
      String receiver, String status, String alertName, List<Notified> group, String externalUrl) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", "{}:{alertname=\"" + escape(alertName) + "\"}");
    root.put("truncatedAlerts", 0);
    root.put("status", status);
    root.put("receiver", receiver);
    put(root.putObject("groupLabels"), Map.of("alertname", alertName));
    put(
        root.putObject("commonLabels"),
        common(group.stream().map(n -> n.alert().labels()).toList()));
    put(
        root.putObject("commonAnnotations"),
        common(group.stream().map(n -> n.alert().annotations()).toList()));
    root.put("externalURL", externalUrl);
    ArrayNode alerts = root.putArray("alerts");
    for (Notified n : group) {
      ObjectNode a = alerts.addObject();
      a.put("status", n.status());
      alert(a, n.alert(), n.endsAt(), externalUrl);
      a.put("fingerprint", Fingerprint.of(n.alert().labels()));
    }
    return bytes(root);
  }

  /** The body of Alertmanager's {@code POST /api/v2/alerts}: postable alerts. */
  public static byte[] postable(List<Notified> alerts, String externalUrl) {
    ArrayNode root = MAPPER.createArrayNode();
    for (Notified n : alerts) {
      alert(root.addObject(), n.alert(), n.endsAt(), externalUrl);
    }
    return bytes(root);
  }

  private static void alert(ObjectNode a, AlertInfo info, Instant endsAt, String externalUrl) {
    put(a.putObject("labels"), info.labels());
    put(a.putObject("annotations"), info.annotations());
    a.put("startsAt", Instant.ofEpochMilli(info.sinceMillis()).toString());
    a.put("endsAt", endsAt == null ? ZERO_TIME : endsAt.toString());
    a.put("generatorURL", externalUrl.isEmpty() ? "" : externalUrl + "/v1/alerts");
  }

  /** The pairs every map has, sorted. */
  static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> common = new TreeMap<>();
    if (maps.isEmpty()) {
      return common;
    }
    common.putAll(maps.get(0));
    for (Map<String, String> m : maps.subList(1, maps.size())) {
      common.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return common;
  }

  private static void put(ObjectNode o, Map<String, String> m) {
    new TreeMap<>(m).forEach(o::put);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static byte[] bytes(Object tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("an alert did not write as JSON", e);
    }
  }
}
