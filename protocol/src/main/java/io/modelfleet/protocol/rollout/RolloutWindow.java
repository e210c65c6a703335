package io.modelfleet.protocol.rollout;

import io.modelfleet.protocol.FleetSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * What the candidate and the baseline did in the current analysis window (summed over every node's
 * load probe), as the rollout controller measured it at {@code at}.
 *
 * @param windowMillis how long the window is
 * @param candidateRequests requests the candidate answered (successes and errors)
 * @param candidateErrors requests the candidate failed with an error of its own
 * @param candidateP99Ms the candidate's p99 latency over its successes (0: none)
 * @param shadowCompared mirrored requests whose outputs were compared
 * @param shadowMismatched compared requests whose outputs differ in names, types or shapes
 * @param shadowFailed mirrored requests the candidate failed while the baseline answered
 * @param maxDriftAbs per output, the largest absolute difference seen (an upper bound, at most
 *     twice the true value)
 * @param maxDriftRel the same, relative
 */
public record RolloutWindow(
    Instant at,
    long windowMillis,
    long candidateRequests,
    long candidateErrors,
    double candidateP99Ms,
    long baselineRequests,
    long baselineErrors,
    double baselineP99Ms,
    long shadowCompared,
    long shadowMismatched,
    long shadowFailed,
    Map<String, Double> maxDriftAbs,
    Map<String, Double> maxDriftRel)
    implements FleetSerializable {

  public RolloutWindow {
    maxDriftAbs = maxDriftAbs == null ? Map.of() : Map.copyOf(maxDriftAbs);
    maxDriftRel = maxDriftRel == null ? Map.of() : Map.copyOf(maxDriftRel);
  }

  public double candidateErrorRatio() {
    return candidateRequests == 0 ? 0 : (double) candidateErrors / candidateRequests;
  }

  public double baselineErrorRatio() {
    return baselineRequests == 0 ? 0 : (double) baselineErrors / baselineRequests;
  }
}
