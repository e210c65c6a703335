package io.modelfleet.node.rollout;

import io.modelfleet.protocol.rollout.Rollout;
import io.modelfleet.protocol.rollout.RolloutAnalysis;
import io.modelfleet.protocol.rollout.RolloutChange;
import io.modelfleet.protocol.rollout.RolloutState;
import io.modelfleet.protocol.rollout.RolloutStep;
import io.modelfleet.protocol.rollout.RolloutStrategy;
import io.modelfleet.protocol.rollout.RolloutWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what a rollout does next from its spec and state, the candidate's readiness, and the
 * numbers of the current analysis window. Pure: no clock, no actor, so every rule is a unit test.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A paused rollout waits. A finished one waits out the retire delay (longer than the
 *       gateways' alias refresh, so none still routes to the loser), then its loser is retired.
 *   <li>A candidate replica that failed its validation samples rolls the rollout back at once.
 *   <li>Before the first step, the candidate needs a Ready replica (canary) or all of them
 *       (blue-green) within the ready timeout, else it is rolled back.
 *   <li>Minimum samples: no threshold judges, neither to advance nor to roll back, before the
 *       candidate answered {@code min_requests} requests in the window (drift: {@code min_requests}
 *       compared shadow requests; the p99 ratio also needs the baseline's {@code min_requests}).
 *   <li>A breached threshold rolls back at once; otherwise a step advances (the last one promotes)
 *       once its duration has passed and the analysis passed with enough samples.
 *   <li>A step still short of samples after {@code inconclusiveAfter} step durations pauses the
 *       rollout as inconclusive, for a person to decide.
 * </ul>
 */
final class RolloutJudge {
  private final Duration retireDelay;
  private final int inconclusiveAfter;

  RolloutJudge(Duration retireDelay, int inconclusiveAfter) {
    this.retireDelay = retireDelay;
    this.inconclusiveAfter = inconclusiveAfter;
  }

  Verdict judge(Rollout r, Readiness ready, RolloutWindow w, Instant now) {
    if (!r.state().active()) {
      if (r.retired()) {
        return Verdict.waiting("done");
      }
      if (r.state() == RolloutState.PROMOTED && ready.ready() == 0) {
        // Promoted by a person before it was Ready: the baseline serves until it is.
        return Verdict.waiting(
            "version "
                + r.spec().version()
                + " has no Ready replica yet; version "
                + r.baseline()
                + " keeps serving until it has");
      }
      Instant due = r.finishedAt().plus(retireDelay);
      if (now.isBefore(due)) {
        return Verdict.waiting("retiring version " + r.loser() + " at " + due);
      }
      return Verdict.act(
          RolloutChange.RETIRE,
          "version "
              + r.loser()
              + " retired "
              + seconds(retireDelay)
              + " after the rollout ended (no gateway routes to it any more)");
    }
    if (r.state() == RolloutState.PAUSED) {
      return Verdict.waiting("paused");
    }
    if (ready.validationFailure() != null) {
      return Verdict.act(
          RolloutChange.ROLL_BACK,
          "version "
              + r.spec().version()
              + " failed its validation samples: "
              + ready.validationFailure());
    }
    if (r.step() < 0) {
      return waitingForReady(r, ready, now);
    }
    return judgeStep(r, w != null ? w : empty(now), now);
  }

  private static RolloutWindow empty(Instant now) {
    return new RolloutWindow(now, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of());
  }

  private Verdict waitingForReady(Rollout r, Readiness ready, Instant now) {
    boolean blueGreen = r.spec().strategy() == RolloutStrategy.BLUE_GREEN;
    int needed = blueGreen ? Math.max(1, ready.wanted()) : 1;
    String count =
        ready.ready()
            + " of "
            + ready.wanted()
            + " replicas of version "
            + r.spec().version()
            + " Ready";
    if (ready.ready() >= needed) {
      RolloutStep first = r.spec().steps().get(0);
      return Verdict.act(
          RolloutChange.ADVANCE,
          count + "; step 1 of " + r.spec().steps().size() + " at " + first.percent() + " %");
    }
    Duration waited = Duration.between(r.stepStartedAt(), now);
    long timeout = r.spec().analysis().readyTimeoutMillis();
    if (waited.toMillis() >= timeout) {
      return Verdict.act(
          RolloutChange.ROLL_BACK,
          "not Ready within ready_timeout " + seconds(Duration.ofMillis(timeout)) + ": " + count);
    }
    return Verdict.waiting("waiting for ready: " + count);
  }

  private Verdict judgeStep(Rollout r, RolloutWindow w, Instant now) {
    RolloutAnalysis a = r.spec().analysis();
    int n = r.spec().steps().size();
    RolloutStep step = r.spec().steps().get(r.step());
    String where = "step " + (r.step() + 1) + " of " + n + " (" + step.percent() + " %)";
    String breach = breach(a, w);
    if (breach != null) {
      return Verdict.act(RolloutChange.ROLL_BACK, breach + " at " + where);
    }
    String missing = missing(r, w, step);
    Duration elapsed = Duration.between(r.stepStartedAt(), now);
    Duration duration = Duration.ofMillis(step.durationMillis());
    if (missing != null) {
      Duration patience = duration.multipliedBy(inconclusiveAfter);
      if (elapsed.compareTo(patience) >= 0 && !patience.isZero()) {
        return Verdict.act(
            RolloutChange.PAUSE,
            "inconclusive at "
                + where
                + ": only "
                + missing
                + " after "
                + seconds(elapsed)
                + " ("
                + inconclusiveAfter
                + " step durations); paused for a person to promote, resume or abort");
      }
      return Verdict.waiting(where + ": " + missing);
    }
    if (elapsed.compareTo(duration) < 0) {
      return Verdict.waiting(
          where
              + ": "
              + seconds(elapsed)
              + " of "
              + seconds(duration)
              + ", passing: "
              + summary(a, w));
    }
    String passed = where + " passed: " + summary(a, w);
    if (r.step() + 1 >= n) {
      return Verdict.act(RolloutChange.PROMOTE, passed + "; promoted");
    }
    RolloutStep next = r.spec().steps().get(r.step() + 1);
    return Verdict.act(
        RolloutChange.ADVANCE,
        passed + "; step " + (r.step() + 2) + " of " + n + " at " + next.percent() + " %");
  }

  /** The samples the window still lacks before anything may be judged, or null when it has them. */
  private static String missing(Rollout r, RolloutWindow w, RolloutStep step) {
    RolloutAnalysis a = r.spec().analysis();
    long requests = w.candidateRequests();
    if (requests < a.minRequests()) {
      return requests + " of " + a.minRequests() + " requests";
    }
    boolean mirrors = r.spec().shadowPercent() > 0 && step.percent() < 100;
    long compared = w.shadowCompared();
    if (a.judgesDrift() && mirrors && compared < a.minRequests()) {
      return compared + " of " + a.minRequests() + " compared shadow requests";
    }
    return null;
  }

  /** The first threshold the window breaches (with enough samples to judge it), or null. */
  private static String breach(RolloutAnalysis a, RolloutWindow w) {
    long min = a.minRequests();
    if (w.candidateRequests() >= min) {
      String of = " (" + w.candidateErrors() + " errors in " + w.candidateRequests() + " requests)";
      if (a.maxErrorRatio() != null && w.candidateErrorRatio() > a.maxErrorRatio()) {
        return "error ratio "
            + num(w.candidateErrorRatio())
            + " > max_error_ratio "
            + num(a.maxErrorRatio())
            + of;
      }
      if (a.maxP99Ms() != null && w.candidateP99Ms() > a.maxP99Ms()) {
        return "p99 latency "
            + num(w.candidateP99Ms())
            + " ms > max_p99_ms "
            + num(a.maxP99Ms())
            + " ("
            + w.candidateRequests()
            + " requests)";
      }
      if (a.maxP99Ratio() != null && w.baselineRequests() >= min && w.baselineP99Ms() > 0) {
        double ratio = w.candidateP99Ms() / w.baselineP99Ms();
        if (ratio > a.maxP99Ratio() && w.candidateP99Ms() - w.baselineP99Ms() > a.p99Slack()) {
          return "p99 latency ratio "
              + num(ratio)
              + " (candidate "
              + num(w.candidateP99Ms())
              + " ms / baseline "
              + num(w.baselineP99Ms())
              + " ms) > max_p99_ratio "
              + num(a.maxP99Ratio())
              + " with p99_slack_ms "
              + num(a.p99Slack())
              + " ("
              + w.candidateRequests()
              + " and "
              + w.baselineRequests()
              + " requests)";
        }
      }
    }
    if (a.judgesDrift() && w.shadowCompared() >= min) {
      String over = " over " + w.shadowCompared() + " compared shadow requests";
      if (w.shadowMismatched() > 0) {
        return "outputs differ in names, types or shapes in " + w.shadowMismatched() + over;
      }
      String abs = drift("absolute", w.maxDriftAbs(), a.maxDriftAbs(), "max_drift_abs");
      if (abs != null) {
        return abs + over;
      }
      String rel = drift("relative", w.maxDriftRel(), a.maxDriftRel(), "max_drift_rel");
      if (rel != null) {
        return rel + over;
      }
    }
    return null;
  }

  private static String drift(String kind, Map<String, Double> max, Double limit, String name) {
    if (limit == null) {
      return null;
    }
    for (Map.Entry<String, Double> e : new TreeMap<>(max).entrySet()) {
      if (e.getValue() > limit) {
        return "output '"
            + e.getKey()
            + "' drifts by up to "
            + num(e.getValue())
            + " ("
            + kind
            + ") > "
            + name
            + " "
            + num(limit);
      }
    }
    return null;
  }

  private static String summary(RolloutAnalysis a, RolloutWindow w) {
    StringBuilder s = new StringBuilder();
    s.append(w.candidateRequests())
        .append(" requests, error ratio ")
        .append(num(w.candidateErrorRatio()));
    s.append(", p99 ").append(num(w.candidateP99Ms())).append(" ms");
    if (w.baselineRequests() > 0) {
      s.append(" (baseline ")
          .append(w.baselineRequests())
          .append(" requests, p99 ")
          .append(num(w.baselineP99Ms()))
          .append(" ms)");
    }
    if (a.judgesDrift() && w.shadowCompared() > 0) {
      s.append(", ")
          .append(w.shadowCompared())
          .append(" compared, max drift ")
          .append(new TreeMap<>(w.maxDriftAbs()));
    }
    return s.toString();
  }

  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String seconds(Duration d) {
    return num(d.toMillis() / 1000.0) + " s";
  }
}
