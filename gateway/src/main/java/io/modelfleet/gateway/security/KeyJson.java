package io.modelfleet.gateway.security;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.HistoryEntry;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The {@code /v1/keys} answers. A key is shown by its id, name, tenant, roles, grants, limits,
 * prefix and times; never by its hash. The secret appears once, in the answer to its creation
 * ({@code "key"}), which is marked {@code Cache-Control: no-store}.
 */
public final class KeyJson {

  /** Detail fields of a history event that are never shown, should an event carry them. */
  private static final List<String> HIDDEN_DETAILS =
      List.of("secret_hash", "secretHash", "hash", "secret", "key");

  private KeyJson() {}

  /** 201 with the new key's record and its secret. */
  public static HttpResponse created(KeyAdmin.Created c) {
    return Json.response(
            201,
            g -> {
              g.writeStartObject();
              fields(c.key(), g);
              g.writeStringField("key", c.secret());
              g.writeEndObject();
            })
        .addHeader(RawHeader.create("Cache-Control", "no-store"));
  }

  public static HttpResponse one(ApiKey k) {
    return Json.ok(g -> key(k, g));
  }

  /** {@code {"keys": [...]}}. */
  public static HttpResponse list(List<ApiKey> keys) {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("keys");
          for (ApiKey k : keys) {
            key(k, g);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * {@code {"events": [{"seq", "at", "event", "principal", "request_id", "reason", "details"}]}}.
   */
  public static HttpResponse history(List<HistoryEntry> events) {
    return Json.ok(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("events");
          for (HistoryEntry e : events) {
            g.writeStartObject();
            g.writeNumberField("seq", e.sequenceNr());
            g.writeStringField("at", e.at() == null ? null : e.at().toString());
            g.writeStringField("event", e.event());
            g.writeStringField("principal", e.principal());
            g.writeStringField("request_id", e.requestId());
            g.writeStringField("reason", e.reason());
            Map<String, Object> details =
                new TreeMap<>(e.details() == null ? Map.of() : e.details());
            details.keySet().removeAll(HIDDEN_DETAILS);
            g.writeFieldName("details");
            g.writeObject(details);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  public static void key(ApiKey k, JsonGenerator g) throws IOException {
    g.writeStartObject();
    fields(k, g);
    g.writeEndObject();
  }

  private static void fields(ApiKey k, JsonGenerator g) throws IOException {
    g.writeStringField("id", k.id());
    g.writeStringField("name", k.name());
    g.writeStringField("tenant", k.tenant());
    g.writeArrayFieldStart("roles");
    for (Role r : Role.values()) {
      if (k.roles().contains(r)) {
        g.writeString(r.label());
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("grants");
    for (Grant gr : k.grants()) {
      g.writeString(gr.pattern());
    }
    g.writeEndArray();
    g.writeFieldName("limits");
    limits(k.limits(), g);
    g.writeStringField("prefix", k.prefix());
    g.writeStringField("created_at", time(k.createdAt()));
    g.writeStringField("expires_at", time(k.expiresAt()));
    g.writeStringField("revoked_at", time(k.revokedAt()));
  }

  public static void limits(KeyLimits l, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("requests_per_second", l.requestsPerSecond());
    g.writeNumberField("burst", l.burst());
    g.writeNumberField("max_in_flight", l.maxInFlight());
    g.writeNumberField("upload_bytes_per_day", l.uploadBytesPerDay());
    g.writeEndObject();
  }

  /** ISO-8601, or null for 0 ("never"). */
  private static String time(long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
