package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;

/**
 * The body of {@code PUT /v1/models/{m}/aliases/{alias}}: {@code {"version": "1", "canary":
 * {"version": "2", "percent": 10}, "shadow": {"version": "3", "percent": 100}}}, where {@code
 * canary} and {@code shadow} are optional (a manual traffic split, like KServe's {@code
 * canaryTrafficPercent}). Each problem is a 400 naming the field.
 */
record AliasSplitJson(String version, Part canary, Part shadow) {

  /** One side of the split: a version and the percentage of the alias's requests (0–100). */
  record Part(String version, int percent) {}

  static AliasSplitJson parse(JsonNode body) {
    JsonNode v = body.get("version");
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("the alias needs \"version\": the version it points at");
    }
    return new AliasSplitJson(
        versionName("version", v), part(body, "canary"), part(body, "shadow"));
  }

  private static Part part(JsonNode body, String field) {
    JsonNode p = body.get(field);
    if (p == null || p.isNull()) {
      return null;
    }
    if (!p.isObject()) {
      throw ApiException.badRequest(
          "\""
              + field
              + "\" must be an object like {\"version\": \"2\", \"percent\": 10}, got "
              + Json.kind(p));
    }
    JsonNode v = p.get("version");
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("\"" + field + ".version\" is missing: the version to send to");
    }
    JsonNode percent = p.get("percent");
    if (percent == null || percent.isNull()) {
      throw ApiException.badRequest(
          "\"" + field + ".percent\" is missing: the percentage of requests, 0 to 100");
    }
    if (!percent.isIntegralNumber()
        || !percent.canConvertToInt()
        || percent.asInt() < 0
        || percent.asInt() > 100) {
      throw ApiException.badRequest(
          "\""
              + field
              + ".percent\" must be an integer from 0 to 100, got "
              + (percent.isNumber() ? percent.asText() : Json.kind(percent)));
    }
    return new Part(versionName(field + ".version", v), percent.asInt());
  }

  private static String versionName(String field, JsonNode v) {
    if (v.isTextual() && !v.asText().isEmpty()) {
      return v.asText();
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
      return Long.toString(v.asLong());
    }
    throw ApiException.badRequest(
        "\"" + field + "\" must be a version name (a string), got " + Json.kind(v));
  }
}
