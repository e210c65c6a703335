package io.modelfleet.gateway.management;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutLive;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Rollouts as {@code GET /v1/models/{m}/rollouts[/{id}]} shows them. */
final class RolloutJson {
  private RolloutJson() {}

  static void list(
      String model, List<Rollout> newestFirst, Map<String, RolloutLive> live, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("model", model);
    g.writeArrayFieldStart("rollouts");
    for (Rollout r : newestFirst) {
      rollout(model, r, live.get(RolloutLive.entry(model, r.id())), g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** One rollout; {@code live} (null: none) shows only while the rollout is active. */
  static void rollout(String model, Rollout r, RolloutLive live, JsonGenerator g)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", r.id());
    g.writeStringField("model", model);
    g.writeStringField("version", r.spec().version());
    g.writeStringField("baseline", r.baseline());
    g.writeStringField("alias", r.spec().alias());
    g.writeStringField("strategy", r.spec().strategy().wireName());
    g.writeStringField("state", r.state().name());
    g.writeStringField("phase", r.phase());
    g.writeNumberField("step", r.step() + 1);
    g.writeNumberField("percent", r.percent());
    g.writeArrayFieldStart("steps");
    for (RolloutStep s : r.spec().steps()) {
      g.writeStartObject();
      g.writeNumberField("percent", s.percent());
      g.writeNumberField("duration_ms", s.durationMillis());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("replicas", r.spec().replicas());
    g.writeNumberField("shadow_percent", r.spec().shadowPercent());
    analysis(r.spec().analysis(), g);
    time("started_at", r.startedAt(), g);
    time("step_started_at", r.stepStartedAt(), g);
    time("finished_at", r.finishedAt(), g);
    g.writeStringField("reason", r.reason());
    g.writeBooleanField("retired", r.retired());
    if (live != null && r.state().active()) {
      g.writeObjectFieldStart("live");
      g.writeNumberField("step", live.step() + 1);
      g.writeStringField("verdict", live.verdict());
      if (live.window() != null) {
        numbers(live.window(), g);
      }
      g.writeEndObject();
    }
    if (r.decided() != null) {
      g.writeObjectFieldStart("decided_on");
      numbers(r.decided(), g);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void analysis(RolloutAnalysis a, JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("analysis");
    g.writeNumberField("interval_ms", a.intervalMillis());
    g.writeNumberField("min_requests", a.minRequests());
    optional("max_error_ratio", a.maxErrorRatio(), g);
    optional("max_p99_ms", a.maxP99Ms(), g);
    optional("max_p99_ratio", a.maxP99Ratio(), g);
    optional("p99_slack_ms", a.p99SlackMs(), g);
    optional("max_drift_abs", a.maxDriftAbs(), g);
    optional("max_drift_rel", a.maxDriftRel(), g);
    g.writeNumberField("ready_timeout_ms", a.readyTimeoutMillis());
    g.writeEndObject();
  }

  private static void numbers(RolloutWindow w, JsonGenerator g) throws IOException {
    time("measured_at", w.at(), g);
    g.writeNumberField("window_ms", w.windowMillis());
    g.writeObjectFieldStart("candidate");
    g.writeNumberField("requests", w.candidateRequests());
    g.writeNumberField("errors", w.candidateErrors());
    g.writeNumberField("error_ratio", w.candidateErrorRatio());
    g.writeNumberField("p99_ms", w.candidateP99Ms());
    g.writeEndObject();
    g.writeObjectFieldStart("baseline");
    g.writeNumberField("requests", w.baselineRequests());
    g.writeNumberField("errors", w.baselineErrors());
    g.writeNumberField("error_ratio", w.baselineErrorRatio());
    g.writeNumberField("p99_ms", w.baselineP99Ms());
    g.writeEndObject();
    g.writeObjectFieldStart("shadow");
    g.writeNumberField("compared", w.shadowCompared());
    g.writeNumberField("mismatched", w.shadowMismatched());
    g.writeNumberField("failed", w.shadowFailed());
    g.writeFieldName("max_drift_abs");
    g.writeObject(new TreeMap<>(w.maxDriftAbs()));
    g.writeFieldName("max_drift_rel");
    g.writeObject(new TreeMap<>(w.maxDriftRel()));
    g.writeEndObject();
  }

  private static void optional(String field, Double v, JsonGenerator g) throws IOException {
    if (v != null) {
      g.writeNumberField(field, v);
    }
  }

  private static void time(String field, Instant t, JsonGenerator g) throws IOException {
    g.writeStringField(field, t == null ? null : t.toString());
  }
}
