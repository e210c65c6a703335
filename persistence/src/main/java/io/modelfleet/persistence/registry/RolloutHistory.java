package io.modelfleet.persistence.registry;

import io.modelfleet.persistence.registry.ModelEvent.RolloutEvent;
import io.modelfleet.persistence.registry.ModelEvent.RolloutFinished;
import io.modelfleet.persistence.registry.ModelEvent.RolloutPaused;
import io.modelfleet.persistence.registry.ModelEvent.RolloutRetired;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStarted;
import io.modelfleet.persistence.registry.ModelEvent.RolloutStepStarted;
import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.util.Map;
import java.util.TreeMap;

/** How a rollout's events read in the model's history: their fields and the deciding numbers. */
final class RolloutHistory {

  private RolloutHistory() {}

  /** Puts {@code e}'s fields into {@code details}; returns the event's name. */
  static String details(RolloutEvent e, Map<String, Object> details) {
    details.put("rollout", e.id());
    if (e instanceof RolloutStarted s) {
      Rollout r = s.rollout();
      details.put("version", r.spec().version());
      details.put("baseline", r.baseline());
      details.put("alias", r.spec().alias());
      details.put("strategy", r.spec().strategy().wireName());
      details.put("steps", r.spec().steps().stream().map(RolloutStep::percent).toList());
      details.put("replicas", r.spec().replicas());
      if (r.spec().shadowPercent() > 0) {
        details.put("shadow_percent", r.spec().shadowPercent());
      }
      return "RolloutStarted";
    }
    if (e instanceof RolloutStepStarted s) {
      details.put("step", s.step() + 1);
      details.put("percent", s.percent());
      numbers(s.numbers(), details);
      return "RolloutStepStarted";
    }
    if (e instanceof RolloutPaused p) {
      numbers(p.numbers(), details);
      return "RolloutPaused";
    }
    if (e instanceof RolloutFinished f) {
      details.put("outcome", f.outcome().name());
      numbers(f.numbers(), details);
      return "RolloutFinished";
    }
    if (e instanceof RolloutRetired r) {
      details.put("version", r.version());
      details.put("deployment_removed", r.removed());
      return "RolloutRetired";
    }
    return "RolloutResumed";
  }

  /** The window's numbers, as the history shows them (nothing when there were none). */
  static void numbers(RolloutWindow w, Map<String, Object> details) {
    if (w == null) {
      return;
    }
    details.put("window_ms", w.windowMillis());
    details.put("candidate_requests", w.candidateRequests());
    details.put("candidate_errors", w.candidateErrors());
    details.put("candidate_p99_ms", w.candidateP99Ms());
    details.put("baseline_requests", w.baselineRequests());
    details.put("baseline_errors", w.baselineErrors());
    details.put("baseline_p99_ms", w.baselineP99Ms());
    if (w.shadowCompared() > 0 || w.shadowFailed() > 0) {
      details.put("shadow_compared", w.shadowCompared());
      details.put("shadow_mismatched", w.shadowMismatched());
      details.put("shadow_failed", w.shadowFailed());
      details.put("max_drift_abs", new TreeMap<>(w.maxDriftAbs()));
      details.put("max_drift_rel", new TreeMap<>(w.maxDriftRel()));
    }
  }
}
