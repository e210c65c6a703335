package io.modelfleet.gateway.management;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.AutoscalingSpec;
import io.modelfleet.protocol.model.DeploymentSpec;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deployment's {@code "autoscaling"} object: {@code {"min_replicas": 1, "max_replicas": 4,
 * "target_in_flight": 2}} or {@code "target_queue_delay_ms": 50} instead of the in-flight target,
 * and optionally {@code "scale_up_delay": "5s", "scale_down_delay": "30s", "scale_to_zero_after":
 * "60s"} (the last only with min_replicas 0). Absent delays take the defaults of {@link
 * AutoscalingSpec}, written into the deployment so that its history says what applied. Every
 * mistake is a 400 naming the field (see {@link AutoscalingSpec#problem}).
 */
public final class AutoscalingJson {

  private static final Set<String> FIELDS =
      Set.of(
          "min_replicas",
          "max_replicas",
          "target_in_flight",
          "target_queue_delay_ms",
          "scale_up_delay",
          "scale_down_delay",
          "scale_to_zero_after");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

  private AutoscalingJson() {}

  /** The settings, or null when the field is absent (a fixed count). */
  public static AutoscalingSpec parse(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw ApiException.badRequest("'autoscaling' must be a JSON object, got " + Json.kind(n));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw ApiException.badRequest(
            "unknown field 'autoscaling."
                + f
                + "'; expected one of "
                + FIELDS.stream().sorted().toList());
      }
    }
    if (!n.hasNonNull("max_replicas")) {
      throw ApiException.badRequest("'autoscaling.max_replicas' is required");
    }
    int min = integer(n, "min_replicas", 1);
    int max = integer(n, "max_replicas", 1);
    double inFlight = 0;
    JsonNode t = n.get("target_in_flight");
    if (t != null && !t.isNull()) {
      if (!t.isNumber() || !(t.doubleValue() > 0)) {
        throw ApiException.badRequest(
            "'autoscaling.target_in_flight' must be a number above 0, got " + t);
      }
      inFlight = t.doubleValue();
    }
    long queue = 0;
    JsonNode q = n.get("target_queue_delay_ms");
    if (q != null && !q.isNull()) {
      if (!q.isIntegralNumber() || !q.canConvertToLong() || q.longValue() < 1) {
        throw ApiException.badRequest(
            "'autoscaling.target_queue_delay_ms' must be an integer of at least 1, got " + q);
      }
      queue = q.longValue();
    }
    long up = duration(n, "scale_up_delay", AutoscalingSpec.DEFAULT_SCALE_UP_DELAY_MS);
    long down = duration(n, "scale_down_delay", AutoscalingSpec.DEFAULT_SCALE_DOWN_DELAY_MS);
    long zero =
        duration(
            n,
            "scale_to_zero_after",
            min == 0 ? AutoscalingSpec.DEFAULT_SCALE_TO_ZERO_AFTER_MS : 0);
    AutoscalingSpec spec = new AutoscalingSpec(min, max, inFlight, queue, up, down, zero);
    String problem = spec.problem();
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return spec;
  }

  /**
   * The deployment's starting count: {@code replicas} as asked, clamped into the bounds; when
   * absent, min_replicas but at least 1 (as Knative's initial scale: the version is loaded once,
   * and a min_replicas 0 deployment goes to zero only after its idle period).
   */
  public static int replicas(JsonNode replicas, AutoscalingSpec spec) {
    if (replicas == null || replicas.isNull()) {
      return Math.max(spec.minReplicas(), 1);
    }
    if (!replicas.isIntegralNumber()
        || !replicas.canConvertToInt()
        || replicas.intValue() < 0
        || replicas.intValue() > DeploymentSpec.MAX_REPLICAS) {
      throw ApiException.badRequest(
          "'replicas' must be an integer from 0 to "
              + DeploymentSpec.MAX_REPLICAS
              + ", got "
              + Json.kind(replicas));
    }
    return spec.clamp(replicas.intValue());
  }

  private static int integer(JsonNode n, String field, int absent) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    return DeploymentOptions.integer("autoscaling." + field, v, 0, DeploymentSpec.MAX_REPLICAS);
  }

  /** "500ms", "5s", "2m", "1h" (or a number of seconds), in ms. */
  private static long duration(JsonNode n, String field, long absent) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
      return Math.multiplyExact(Math.min(v.longValue(), Integer.MAX_VALUE), 1000L);
    }
    Matcher m =
        v.isTextual() ? DURATION.matcher(v.textValue().trim().toLowerCase(Locale.ROOT)) : null;
    if (m == null || !m.matches()) {
      throw ApiException.badRequest(
          "'autoscaling."
              + field
              + "' must be a duration such as \"500ms\", \"5s\", \"2m\" or \"1h\", got "
              + v);
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1000;
      case "m" -> amount * 60_000;
      default -> amount * 3_600_000;
    };
  }

  /** The settings as a deployment shows them, in the request's field names. */
  static void write(AutoscalingSpec a, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("autoscaling");
    g.writeNumberField("min_replicas", a.minReplicas());
    g.writeNumberField("max_replicas", a.maxReplicas());
    if (a.byInFlight()) {
      g.writeNumberField("target_in_flight", a.targetInFlight());
    } else {
      g.writeNumberField("target_queue_delay_ms", a.targetQueueDelayMillis());
    }
    g.writeStringField("scale_up_delay", millis(a.scaleUpDelayMillis()));
    g.writeStringField("scale_down_delay", millis(a.scaleDownDelayMillis()));
    if (a.minReplicas() == 0) {
      g.writeStringField("scale_to_zero_after", millis(a.scaleToZeroAfterMillis()));
    }
    g.writeEndObject();
  }

  private static String millis(long ms) {
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
