package io.modelfleet.ops.alerts;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * One model's own thresholds ({@code modelfleet.ops.alerts.models.<name>}); null where the model
 * takes the rule's default.
 *
 * @param drift whether the model's outputs are sampled for drift (null: as {@code drift.models}
 *     says)
 */
public record ModelOverrides(
    Duration latencyObjective, Double errorRatio, Double driftThreshold, Boolean drift) {

  public static final ModelOverrides NONE = new ModelOverrides(null, null, null, null);

  static ModelOverrides of(Config c) {
    return new ModelOverrides(
        c.hasPath("latency-objective") ? c.getDuration("latency-objective") : null,
        c.hasPath("error-ratio") ? c.getDouble("error-ratio") : null,
        c.hasPath("drift-threshold") ? c.getDouble("drift-threshold") : null,
        c.hasPath("drift") ? c.getBoolean("drift") : null);
  }
}
