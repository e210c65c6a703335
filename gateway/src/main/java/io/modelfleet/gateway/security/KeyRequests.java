package io.modelfleet.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.security.ApiKey;
import io.modelfleet.protocol.security.Grant;
import io.modelfleet.protocol.security.KeyLimits;
import io.modelfleet.protocol.security.Role;
import io.modelfleet.protocol.service.KeyAdmin;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the bodies of the {@code /v1/keys} routes. Every mistake is a 400 whose sentence names the
 * field, what it must be and what was sent (never a secret: none is ever sent to these routes).
 */
public final class KeyRequests {

  static final Set<String> CREATE_FIELDS =
      Set.of("name", "tenant", "roles", "grants", "limits", "expires_at", "expires_in_seconds");
  static final Set<String> ACCESS_FIELDS = Set.of("roles", "grants");
  static final Set<String> LIMIT_FIELDS =
      Set.of("requests_per_second", "burst", "max_in_flight", "upload_bytes_per_day");

  private KeyRequests() {}

  /** The roles and grants of {@code PUT /v1/keys/{id}/access}. */
  public record Access(Set<Role> roles, List<Grant> grants) {}

  /** A new key from {@code POST /v1/keys}; an expiry must lie after {@code nowMillis}. */
  public static KeyAdmin.NewKey newKey(JsonNode body, long nowMillis) {
    JsonNode b = object(body, "a new key", CREATE_FIELDS);
    String name = name(b.get("name"), "name");
    String tenant = b.hasNonNull("tenant") ? name(b.get("tenant"), "tenant") : ModelTenants.DEFAULT;
    if (!b.hasNonNull("roles")) {
      throw ApiException.badRequest("a new key needs \"roles\": one or more of " + roleNames());
    }
    Set<Role> roles = roles(b.get("roles"));
    List<Grant> grants = b.hasNonNull("grants") ? grants(b.get("grants")) : List.of(Grant.ALL);
    KeyLimits limits =
        b.hasNonNull("limits") ? limits(b.get("limits"), KeyLimits.NONE) : KeyLimits.NONE;
    return new KeyAdmin.NewKey(name, tenant, roles, grants, limits, expiresAt(b, nowMillis));
  }

  /** {@code PUT /v1/keys/{id}/access}: an absent field keeps {@code current}'s value. */
  public static Access access(JsonNode body, ApiKey current) {
    JsonNode b = object(body, "a change of access", ACCESS_FIELDS);
    if (!b.hasNonNull("roles") && !b.hasNonNull("grants")) {
      throw ApiException.badRequest("a change of access needs \"roles\", \"grants\" or both");
    }
    return new Access(
        b.hasNonNull("roles") ? roles(b.get("roles")) : current.roles(),
        b.hasNonNull("grants") ? grants(b.get("grants")) : current.grants());
  }

  /** Limits from a JSON object; an absent field keeps {@code base}'s value (0 = no limit). */
  public static KeyLimits limits(JsonNode node, KeyLimits base) {
    JsonNode l = object(node, "\"limits\"", LIMIT_FIELDS);
    double rps = base.requestsPerSecond();
    if (l.hasNonNull("requests_per_second")) {
      JsonNode n = l.get("requests_per_second");
      if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < 0) {
        throw ApiException.badRequest(
            "\"requests_per_second\" must be a number >= 0 (0 = no limit), got " + Json.kind(n));
      }
      rps = n.asDouble();
    }
    return new KeyLimits(
        rps,
        (int) count(l, "burst", base.burst(), Integer.MAX_VALUE),
        (int) count(l, "max_in_flight", base.maxInFlight(), Integer.MAX_VALUE),
        count(l, "upload_bytes_per_day", base.uploadBytesPerDay(), Long.MAX_VALUE));
  }

  private static long count(JsonNode l, String field, long base, long max) {
    if (!l.hasNonNull(field)) {
      return base;
    }
    JsonNode n = l.get(field);
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() > max) {
      throw ApiException.badRequest(
          "\""
              + field
              + "\" must be a whole number 0.."
              + max
              + " (0 = no limit), got "
              + Json.kind(n));
    }
    return n.asLong();
  }

  private static JsonNode object(JsonNode node, String what, Set<String> fields) {
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest(what + " must be a JSON object, got " + Json.kind(node));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!fields.contains(f)) {
        throw ApiException.badRequest(
            "unknown field '" + f + "' in " + what + "; its fields are " + sorted(fields));
      }
    }
    return node;
  }

  private static String name(JsonNode n, String field) {
    if (n == null || !n.isTextual()) {
      throw ApiException.badRequest("\"" + field + "\" must be a string, got " + Json.kind(n));
    }
    String problem = Names.problem(field, n.asText());
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return n.asText();
  }

  private static Set<Role> roles(JsonNode n) {
    List<String> labels = strings(n, "roles");
    if (labels.isEmpty()) {
      throw ApiException.badRequest("\"roles\" must name at least one of " + roleNames());
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String label : labels) {
      roles.add(
          Role.parse(label)
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "unknown role '" + label + "'; roles are " + roleNames())));
    }
    return roles;
  }

  private static List<Grant> grants(JsonNode n) {
    List<String> patterns = strings(n, "grants");
    if (patterns.isEmpty()) {
      throw ApiException.badRequest(
          "\"grants\" must hold at least one grant; [\"*\"] covers every model of the tenant");
    }
    List<Grant> grants = new ArrayList<>();
    for (String p : patterns) {
      String problem = Grant.problem(p);
      if (problem != null) {
        throw ApiException.badRequest(problem);
      }
      grants.add(new Grant(p));
    }
    return grants;
  }

  private static List<String> strings(JsonNode n, String field) {
    if (!n.isArray()) {
      throw ApiException.badRequest(
          "\"" + field + "\" must be an array of strings, got " + Json.kind(n));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw ApiException.badRequest(
            "\"" + field + "\" must hold only strings, got " + Json.kind(e));
      }
      out.add(e.asText());
    }
    return out;
  }

  /** Epoch milliseconds of the expiry; 0 when the key never expires. */
  private static long expiresAt(JsonNode b, long nowMillis) {
    boolean at = b.hasNonNull("expires_at");
    boolean in = b.hasNonNull("expires_in_seconds");
    if (at && in) {
      throw ApiException.badRequest("give \"expires_at\" or \"expires_in_seconds\", not both");
    }
    if (in) {
      JsonNode n = b.get("expires_in_seconds");
      if (!n.isIntegralNumber()
          || !n.canConvertToLong()
          || n.asLong() <= 0
          || n.asLong() > Long.MAX_VALUE / 1000 - nowMillis / 1000) {
        throw ApiException.badRequest(
            "\"expires_in_seconds\" must be a whole number of seconds > 0, got " + Json.kind(n));
      }
      return nowMillis + n.asLong() * 1000;
    }
    if (at) {
      JsonNode n = b.get("expires_at");
      long when = instant(n).toEpochMilli();
      if (when <= nowMillis) {
        throw ApiException.badRequest("\"expires_at\" " + n.asText() + " is not in the future");
      }
      return when;
    }
    return 0;
  }

  private static Instant instant(JsonNode n) {
    if (n.isTextual()) {
      try {
        return OffsetDateTime.parse(n.asText()).toInstant();
      } catch (DateTimeParseException e) {
        // fall through to the sentence below
      }
    }
    throw ApiException.badRequest(
        "\"expires_at\" must be an ISO-8601 time with an offset (2030-01-31T12:00:00Z), got "
            + Json.kind(n));
  }

  private static List<String> roleNames() {
    return Arrays.stream(Role.values()).map(Role::label).toList();
  }

  private static List<String> sorted(Set<String> fields) {
    return fields.stream().sorted().toList();
  }
}
