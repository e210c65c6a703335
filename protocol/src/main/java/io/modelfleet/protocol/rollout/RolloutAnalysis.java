package io.modelfleet.protocol.rollout;

/**
 * The thresholds a rollout is judged on; a null limit is not checked. No limit judges before the
 * candidate answered {@code minRequests} requests in the current window (drift: {@code minRequests}
 * compared shadow requests).
 *
 * @param intervalMillis how often the controller measures and judges
 * @param maxErrorRatio candidate errors / candidate requests
 * @param maxP99Ms the candidate's p99 latency in milliseconds
 * @param maxP99Ratio candidate p99 / baseline p99 over the same window (judged only when the
 *     baseline also answered {@code minRequests})
 * @param maxDriftAbs the largest absolute difference of any output between candidate and baseline
 *     on mirrored requests
 * @param maxDriftRel the same, relative to the baseline's value
 * @param readyTimeoutMillis how long the candidate may take to have its replicas Ready
 * @param p99SlackMs the p99 ratio rolls back only when the candidate's p99 is also this many
 *     milliseconds above the baseline's (null, in rollouts started before it existed: 0): on a
 *     model answering in a few milliseconds, a replica just started and a few slow requests make a
 *     ratio of 1.5 out of a difference nobody would notice
 */
public record RolloutAnalysis(
    long intervalMillis,
    long minRequests,
    Double maxErrorRatio,
    Double maxP99Ms,
    Double maxP99Ratio,
    Double maxDriftAbs,
    Double maxDriftRel,
    long readyTimeoutMillis,
    Double p99SlackMs) {

  /** Without a p99 slack (as rollouts started before it existed). */
  public RolloutAnalysis(
      long intervalMillis,
      long minRequests,
      Double maxErrorRatio,
      Double maxP99Ms,
      Double maxP99Ratio,
      Double maxDriftAbs,
      Double maxDriftRel,
      long readyTimeoutMillis) {
    this(
        intervalMillis,
        minRequests,
        maxErrorRatio,
        maxP99Ms,
        maxP99Ratio,
        maxDriftAbs,
        maxDriftRel,
        readyTimeoutMillis,
        null);
  }

  /** {@link #p99SlackMs}, 0 when absent. */
  public double p99Slack() {
    return p99SlackMs == null ? 0 : p99SlackMs;
  }

  /** Whether output drift is judged (either drift limit set). */
  public boolean judgesDrift() {
    return maxDriftAbs != null || maxDriftRel != null;
  }
}
