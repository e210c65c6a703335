package io.modelfleet.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfleet.gateway.ApiException;
import io.modelfleet.gateway.Json;
import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.Names;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutSpec;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /v1/models/{m}/rollouts}: every field checked, a 400 naming the first bad
 * one, an unknown field refused (a typo silently ignored would roll out something else than asked).
 * {@code replicas} 0 means the registry takes the baseline's.
 */
final class RolloutRequest {
  private static final Set<String> FIELDS =
      Set.of(
          "version",
          "alias",
          "strategy",
          "steps",
          "step_duration",
          "replicas",
          "analysis",
          "shadow_percent");
  private static final Set<String> ANALYSIS =
      Set.of(
          "interval",
          "min_requests",
          "max_error_ratio",
          "max_p99_ms",
          "max_p99_ratio",
          "p99_slack_ms",
          "max_drift_abs",
          "max_drift_rel",
          "ready_timeout");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
  private static final int MAX_STEPS = 20;
  private static final Duration LONGEST = Duration.ofDays(1);

  private RolloutRequest() {}

  static RolloutSpec parse(JsonNode body, RolloutDefaults defaults) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(
          "the rollout must be a JSON object like {\"version\": \"2\", \"steps\": [5, 25, 50,"
              + " 100]}, got "
              + Json.kind(body));
    }
    known(body, FIELDS, "a rollout");
    String version = name("version", body.get("version"), null);
    String alias = name("alias", body.get("alias"), "stable");
    RolloutStrategy strategy = strategy(body.get("strategy"));
    Duration stepDuration =
        duration("step_duration", body.get("step_duration"), defaults.stepDuration());
    int replicas = intIn("replicas", body.get("replicas"), 0, 1, DeploymentSpec.MAX_REPLICAS);
    int shadow = intIn("shadow_percent", body.get("shadow_percent"), 0, 0, 100);
    RolloutAnalysis analysis = analysis(body.get("analysis"), defaults);
    if (analysis.judgesDrift() && shadow == 0) {
      throw ApiException.badRequest(
          "'analysis.max_drift_abs' and 'analysis.max_drift_rel' compare mirrored requests: they"
              + " need 'shadow_percent' above 0");
    }
    List<RolloutStep> steps;
    if (strategy == RolloutStrategy.BLUE_GREEN) {
      if (body.has("steps")) {
        throw ApiException.badRequest(
            "'steps' is for the canary strategy; blue-green switches all traffic at once (after"
                + " a shadow preview when 'shadow_percent' is set)");
      }
      long ms = stepDuration.toMillis();
      steps =
          shadow > 0
              ? List.of(new RolloutStep(0, ms), new RolloutStep(100, ms))
              : List.of(new RolloutStep(100, ms));
    } else {
      steps = steps(body.get("steps"), stepDuration);
    }
    return new RolloutSpec(version, alias, strategy, steps, replicas, analysis, shadow);
  }

  private static List<RolloutStep> steps(JsonNode n, Duration stepDuration) {
    List<RolloutStep> steps = new ArrayList<>();
    if (n == null || n.isNull()) {
      for (int p : new int[] {5, 25, 50, 100}) {
        steps.add(new RolloutStep(p, stepDuration.toMillis()));
      }
      return steps;
    }
    if (!n.isArray() || n.isEmpty() || n.size() > MAX_STEPS) {
      throw ApiException.badRequest(
          "'steps' must be an array of 1 to "
              + MAX_STEPS
              + " percentages (like [5, 25, 50, 100]) or {\"percent\": 5, \"duration\": \"10s\"}"
              + " objects, got "
              + Json.kind(n));
    }
    int previous = 0;
    for (int i = 0; i < n.size(); i++) {
      JsonNode s = n.get(i);
      String field = "steps[" + i + "]";
      int percent;
      Duration d = stepDuration;
      if (s.isObject()) {
        known(s, Set.of("percent", "duration"), field);
        percent = intIn(field + ".percent", s.get("percent"), -1, 1, 100);
        if (percent < 0) {
          throw ApiException.badRequest("'" + field + ".percent' is required");
        }
        d = duration(field + ".duration", s.get("duration"), stepDuration);
      } else {
        percent = intIn(field, s, -1, 1, 100);
      }
      if (percent <= previous) {
        throw ApiException.badRequest(
            "'" + field + "' must be above the step before (" + previous + "), got " + percent);
      }
      previous = percent;
      steps.add(new RolloutStep(percent, d.toMillis()));
    }
    return steps;
  }

  private static RolloutAnalysis analysis(JsonNode n, RolloutDefaults defaults) {
    if (n != null && !n.isNull() && !n.isObject()) {
      throw ApiException.badRequest("'analysis' must be an object, got " + Json.kind(n));
    }
    JsonNode a = n == null || n.isNull() ? Json.MAPPER.createObjectNode() : n;
    known(a, ANALYSIS, "'analysis'");
    Duration interval = duration("analysis.interval", a.get("interval"), defaults.interval());
    if (interval.toMillis() < 100) {
      throw ApiException.badRequest("'analysis.interval' must be at least 100ms, got " + interval);
    }
    JsonNode min = a.get("min_requests");
    long minRequests = defaults.minRequests();
    if (min != null && !min.isNull()) {
      if (!min.isIntegralNumber()
          || !min.canConvertToLong()
          || min.longValue() < 1
          || min.longValue() > 1_000_000_000L) {
        throw ApiException.badRequest(
            "'analysis.min_requests' must be an integer from 1 to 1000000000, got "
                + Json.kind(min));
      }
      minRequests = min.longValue();
    }
    Double errors = number("analysis.max_error_ratio", a.get("max_error_ratio"), 0, 1);
    Double slack = number("analysis.p99_slack_ms", a.get("p99_slack_ms"), 0, 3_600_000);
    return new RolloutAnalysis(
        interval.toMillis(),
        minRequests,
        errors == null ? defaults.maxErrorRatio() : errors,
        positive("analysis.max_p99_ms", a.get("max_p99_ms")),
        positive("analysis.max_p99_ratio", a.get("max_p99_ratio")),
        number("analysis.max_drift_abs", a.get("max_drift_abs"), 0, Double.MAX_VALUE),
        number("analysis.max_drift_rel", a.get("max_drift_rel"), 0, Double.MAX_VALUE),
        duration("analysis.ready_timeout", a.get("ready_timeout"), defaults.readyTimeout())
            .toMillis(),
        slack == null ? defaults.p99SlackMs() : slack);
  }

  private static void known(JsonNode n, Set<String> fields, String what) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw ApiException.badRequest(
            "unknown field '"
                + f
                + "' in "
                + what
                + "; it has "
                + fields.stream().sorted().toList());
      }
    }
  }

  private static String name(String field, JsonNode n, String fallback) {
    if (n == null || n.isNull()) {
      if (fallback != null) {
        return fallback;
      }
      throw ApiException.badRequest("'" + field + "' is required: the version to roll out");
    }
    String s;
    if (n.isTextual()) {
      s = n.textValue();
    } else if (n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0) {
      s = Long.toString(n.longValue());
    } else {
      throw ApiException.badRequest("'" + field + "' must be a string, got " + Json.kind(n));
    }
    String problem = Names.versionProblem(field, s);
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    return s;
  }

  private static RolloutStrategy strategy(JsonNode n) {
    if (n == null || n.isNull()) {
      return RolloutStrategy.CANARY;
    }
    RolloutStrategy s = n.isTextual() ? RolloutStrategy.fromWire(n.textValue()) : null;
    if (s == null) {
      throw ApiException.badRequest(
          "'strategy' must be \"canary\" or \"blue-green\", got "
              + (n.isTextual() ? "\"" + n.textValue() + "\"" : Json.kind(n)));
    }
    return s;
  }

  private static int intIn(String field, JsonNode n, int absent, int min, int max) {
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
      throw ApiException.badRequest(
          "'" + field + "' must be an integer from " + min + " to " + max + ", got " + shown(n));
    }
    return n.intValue();
  }

  private static Double number(String field, JsonNode n, double min, double max) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || !(n.doubleValue() >= min) || n.doubleValue() > max) {
      throw ApiException.badRequest(
          "'"
              + field
              + "' must be a number from "
              + min
              + (max == Double.MAX_VALUE ? " up" : " to " + max)
              + ", got "
              + shown(n));
    }
    return n.doubleValue();
  }

  private static Double positive(String field, JsonNode n) {
    Double v = number(field, n, 0, Double.MAX_VALUE);
    if (v != null && v <= 0) {
      throw ApiException.badRequest("'" + field + "' must be above 0, got " + shown(n));
    }
    return v;
  }

  private static Duration duration(String field, JsonNode n, Duration fallback) {
    if (n == null || n.isNull()) {
      return fallback;
    }
    Matcher m = n.isTextual() ? DURATION.matcher(n.textValue().strip()) : null;
    if (m == null || !m.matches()) {
      throw ApiException.badRequest(
          "'"
              + field
              + "' must be a duration like \"500ms\", \"10s\", \"5m\" or \"1h\", got "
              + shown(n));
    }
    double value = Double.parseDouble(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "ms" -> 1;
          case "s" -> 1000;
          case "m" -> 60_000;
          default -> 3_600_000;
        };
    Duration d = Duration.ofMillis(Math.round(value * unit));
    if (d.isZero() || d.compareTo(LONGEST) > 0) {
      throw ApiException.badRequest(
          "'" + field + "' must be above 0 and at most 24h, got " + shown(n));
    }
    return d;
  }

  private static String shown(JsonNode n) {
    return n.isValueNode() ? n.toString() : Json.kind(n);
  }
}
