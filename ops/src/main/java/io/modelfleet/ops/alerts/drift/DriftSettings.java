package io.modelfleet.ops.alerts.drift;

import com.typesafe.config.Config;
import io.modelfleet.ops.alerts.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code modelfleet.ops.alerts.drift}: the drift rule and how outputs are sampled for it. */
public record DriftSettings(
    Rule rule,
    double threshold,
    Set<String> models,
    int referenceSize,
    int bins,
    Duration window,
    int windowSlices,
    int minWindowValues,
    int sampleEvery,
    int maxSamplesPerSecond,
    int maxValuesPerOutput) {

  public DriftSettings {
    models = Set.copyOf(models);
    positive("reference-size", referenceSize);
    positive("bins", bins);
    positive("window-slices", windowSlices);
    positive("min-window-values", minWindowValues);
    positive("sample-every", sampleEvery);
    positive("max-samples-per-second", maxSamplesPerSecond);
    positive("max-values-per-output", maxValuesPerOutput);
    if (bins < 2) {
      throw new IllegalArgumentException("modelfleet.ops.alerts.drift.bins must be at least 2");
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("modelfleet.ops.alerts.drift.window must be positive");
    }
    if (threshold <= 0) {
      throw new IllegalArgumentException("modelfleet.ops.alerts.drift.threshold must be positive");
    }
  }

  public static DriftSettings of(Config c) {
    List<String> models = c.getStringList("models");
    return new DriftSettings(
        Rule.of(c, "for"),
        c.getDouble("threshold"),
        Set.copyOf(models),
        c.getInt("reference-size"),
        c.getInt("bins"),
        c.getDuration("window"),
        c.getInt("window-slices"),
        c.getInt("min-window-values"),
        c.getInt("sample-every"),
        c.getInt("max-samples-per-second"),
        c.getInt("max-values-per-output"));
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "modelfleet.ops.alerts.drift." + key + " must be at least 1, got " + value);
    }
  }
}
