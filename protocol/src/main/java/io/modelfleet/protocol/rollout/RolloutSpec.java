package io.modelfleet.protocol.rollout;

import java.util.List;

/**
 * What a rollout was asked to do: move {@code alias} of a model to {@code version} by {@code
 * strategy} through {@code steps} (for blue-green: an optional 0 % shadow preview, then 100 %),
 * with {@code replicas} replicas of the candidate, judged by {@code analysis}, mirroring {@code
 * shadowPercent} % of the baseline's requests to the candidate for the drift analysis.
 */
public record RolloutSpec(
    String version,
    String alias,
    RolloutStrategy strategy,
    List<RolloutStep> steps,
    int replicas,
    RolloutAnalysis analysis,
    int shadowPercent) {

  public RolloutSpec {
    steps = List.copyOf(steps);
  }
}
